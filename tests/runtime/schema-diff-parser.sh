#!/bin/sh
# make check: tests/schema-diff.sh gives libvirt's own parser
# (tests/libvirt-parse.py) every document both schemas accept. One virtc
# validate refuses and the parser takes is a PARSER line: here with a
# virtc that refuses every document, so each secret libvirt's schema and
# parser take must come out as one. One virtc validate takes and the
# parser refuses is a LOOSER line with libvirt's message: with a virtc
# that takes every document, each network libvirt's parser refuses must.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../helpers/scratch.sh"

# lines NAME EXIT KIND SEED TAG SUBDIR LINE CLAUSE: runs schema-diff.sh
# with a stand-in virtc that exits EXIT, printing for each file "FILE:1:1:
# error: refused by this stand-in" unless EXIT is 0; passes when it prints
# TAG lines matching LINE, keeps as many in SUBDIR and counts them in the
# summary as "N CLAUSE"
lines() {
    {
        echo '#!/bin/sh'
        echo 'shift 6'
        [ "$2" -ne 0 ] && echo 'for f; do echo "$f:1:1: error: refused by this stand-in" >&2; done'
        echo "exit $2"
    } >"$tmp/virtc-$1"
    chmod +x "$tmp/virtc-$1"
    VIRTC=$tmp/virtc-$1 sh "$top/tests/schema-diff.sh" --seed "$4" --count 4 --keep "$tmp/keep" "$3" \
        >"$tmp/out" 2>&1
    n=$(grep -c "^$5 $3 .*: $7\$" "$tmp/out")
    kept=$(ls "$tmp/keep/$3/$6" 2>/dev/null | wc -l)
    if [ "$n" -gt 0 ] && [ "$kept" -eq "$n" ] && grep -q "^schema-diff $3: .*[(,;] $n $8" "$tmp/out"; then
        echo "PASS schema-diff/$6-lines"
    else
        echo "FAIL schema-diff/$6-lines: $n $5 lines, $kept kept: $(grep '^schema-diff' "$tmp/out")"
    fi
}

lines refuses 1 secret 1 PARSER parser \
    "libvirt.s parser takes it, virtc validate refuses it: refused by this stand-in" \
    "of them taken by libvirt's parser;"
lines takes 0 network 41 LOOSER looser \
    "libvirt.s parser refuses it, virtc validate takes it: ..*" \
    "taken by virtc validate and refused by libvirt's parser;"
