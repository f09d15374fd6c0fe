#!/bin/sh
# format is a fixed point: formatting what format wrote gives it back, byte
# for byte, for every expected output of the format suite (among them the
# round trip fuzz_domain_xml found: a CR as &#13;, a namespace URI with &amp;).
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
. "$(dirname "$0")/../helpers/scratch.sh"
for f in "$top"/tests/golden/format/*.out.xml; do
    name=$(basename "$f" .out.xml)
    if "$VIRTC" format "$f" >"$tmp/again" 2>"$tmp/err" && cmp -s "$f" "$tmp/again"; then
        echo "PASS format-fixed-point/$name"
    else
        echo "FAIL format-fixed-point/$name: $(head -c 200 "$tmp/err")"
    fi
done
