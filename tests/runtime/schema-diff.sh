#!/bin/sh
# make check: a bounded, deterministic differential sample (fixed seed) of
# virtc's schemas against libvirt's (tests/schema-diff.sh); any document the
# two judge differently fails its kind. Needs libvirt0 (tools/install-deps.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
kinds=${VIRTC_DIFF_KINDS:-"secret storageencryption storagevol interface capability nodedev network storagepool"}
for kind in $kinds; do
    sh "$top/tests/schema-diff.sh" --seed 3 --count 8 "$kind" >"$out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "PASS schema-diff/$kind: $(sed -n 's/^schema-diff [a-z]*: //p' "$out")"
    else
        echo "FAIL schema-diff/$kind: $(head -n 4 "$out" | tr '\n' ' ')"
    fi
done
