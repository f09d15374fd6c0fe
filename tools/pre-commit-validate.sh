#!/bin/sh
# The pre-commit hook's entry (.pre-commit-hooks.yaml): builds virtc in this
# checkout when it is not built yet, then validates the files pre-commit
# names. Output is virtc's own: file:line:column: error: message.
# require_serial in the hook keeps two builds from running at once.
# VIRTC names a virtc binary to use instead (no build).
top=$(cd "$(dirname "$0")/.." && pwd) || exit 3
virtc=${VIRTC:-$top/tools/virtc}
if [ -z "$VIRTC" ] && [ ! -x "$virtc" ]; then
    make -C "$top" -s all >&2 || {
        echo "virtc-validate: building virtc failed (see the README for its build dependencies)" >&2
        exit 3
    }
fi
[ "$#" -gt 0 ] || exit 0
VIRTC_SCHEMA_DIR=${VIRTC_SCHEMA_DIR:-$top/schemas} exec "$virtc" validate -q "$@"
