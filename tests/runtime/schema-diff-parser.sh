#!/bin/sh
# make check: tests/schema-diff.sh asks libvirt's own parser
# (tests/libvirt-parse.py) about every document both schemas accept and
# virtc validate refuses, and lists those libvirt's parser takes as
# PARSER lines: here with a virtc that refuses every document, so each
# secret libvirt's schema and parser take must come out as one.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../helpers/scratch.sh"
cat >"$tmp/virtc-refuses" <<'EOS'
#!/bin/sh
# validate -q -j N --type KIND FILE...: refuses each file
shift 6
for f; do echo "$f:1:1: error: refused by this stand-in" >&2; done
exit 1
EOS
chmod +x "$tmp/virtc-refuses"
VIRTC=$tmp/virtc-refuses sh "$top/tests/schema-diff.sh" --seed 1 --count 3 --keep "$tmp/keep" secret \
    >"$tmp/out" 2>&1
n=$(grep -c '^PARSER secret .*: libvirt.s parser takes it, virtc validate refuses it: refused by this stand-in$' "$tmp/out")
kept=$(ls "$tmp/keep/secret/parser" 2>/dev/null | wc -l)
if [ "$n" -gt 0 ] && [ "$kept" -eq "$n" ] &&
    grep -q "^schema-diff secret: .*, $n of them taken by libvirt's parser;" "$tmp/out"; then
    echo "PASS schema-diff/parser-lines"
else
    echo "FAIL schema-diff/parser-lines: $n PARSER lines, $kept kept: $(grep '^schema-diff' "$tmp/out")"
fi
