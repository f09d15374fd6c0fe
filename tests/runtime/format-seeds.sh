#!/bin/sh
# The seeds' example domains go through `virtc format` and come back valid
# and stable: the output is itself accepted by `virtc format` (which parses
# and validates it against schemas/domain.rng) and formats to the same bytes.
# Prints "PASS format-seeds/NAME" or "FAIL format-seeds/NAME: why"; prints
# nothing when the corpus (../shared/corpus beside the repo) is absent.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
seeds=$top/../shared/corpus/seeds
[ -d "$seeds" ] || exit 0
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
. "$(dirname "$0")/../helpers/scratch.sh"

for f in "$seeds"/domain-*.xml "$seeds"/xen-*.xml "$seeds"/qemu-to-native-demo.xml; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .xml)
    if ! "$VIRTC" format "$f" >"$tmp/1.xml" 2>"$tmp/err"; then
        echo "FAIL format-seeds/$name: format failed: $(head -c 300 "$tmp/err")"
        continue
    fi
    if ! "$VIRTC" format "$tmp/1.xml" >"$tmp/2.xml" 2>"$tmp/err"; then
        echo "FAIL format-seeds/$name: output is not valid: $(head -c 300 "$tmp/err")"
        continue
    fi
    if ! cmp -s "$tmp/1.xml" "$tmp/2.xml"; then
        echo "FAIL format-seeds/$name: not stable:"
        diff "$tmp/1.xml" "$tmp/2.xml" | head -n 10
        continue
    fi
    echo "PASS format-seeds/$name"
done
