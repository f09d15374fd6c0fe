#!/bin/sh
# make check: the documents of tests/schema-slow/ once sent libxml2's
# RelaxNG validation into exponential backtracking with virtc's domain
# schema (`virtc validate` ran for minutes on a 3 KB document; see the
# folder's README). Each must now be judged within a generous bound, a hang
# guard and not a timed goal: a run still going after 10 s fails. The
# verdict and the message are pinned: NAME.err is validate's exact stderr
# for an invalid document (exit 1); without it the document is valid
# (exit 0). libvirt's schema, judged by jing (which does not backtrack:
# xmllint itself takes minutes on some of them), gives the same verdict.
top=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}/domain.rng
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
. "$(dirname "$0")/../helpers/scratch.sh"
bound=${SCHEMA_SLOW_BOUND:-10}
cd "$top/tests/schema-slow" || exit 1
for f in *.xml; do
    name=${f%.xml}
    timeout "$bound" "$top/tools/virtc" validate "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 124 ]; then
        echo "FAIL schema-slow/$name: validate did not end within $bound s"
        continue
    fi
    if [ -f "$name.err" ]; then want=1; else want=0; fi
    why=""
    [ "$rc" -eq "$want" ] || why="exit $rc, want $want"
    [ -s "$tmp/out" ] && why="${why:+$why; }output on stdout"
    if [ "$want" -eq 1 ] && ! cmp -s "$tmp/err" "$name.err"; then
        why="${why:+$why; }message differs: $(head -n 1 "$tmp/err")"
    fi
    if command -v jing >/dev/null 2>&1 && [ -r "$oracle" ]; then
        jing "$oracle" "$f" >/dev/null 2>&1
        [ $? -eq "$want" ] || why="${why:+$why; }libvirt's schema (jing) gives the other verdict"
    fi
    if [ -z "$why" ]; then
        echo "PASS schema-slow/$name"
    else
        echo "FAIL schema-slow/$name: $why"
    fi
done
