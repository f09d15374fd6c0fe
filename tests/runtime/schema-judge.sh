#!/bin/sh
# make check: tests/schema-judge.py, the bounded oracle of
# tests/schema-diff.sh, gives each document of a batch its own verdict and
# classes one libxml2 cannot judge in time as "timeout" instead of stalling
# the run (tests/schema-slow/disk-driver-every-attribute.xml takes libxml2
# more than a minute on libvirt's schema, with its long run of optional
# attributes), then goes on with the documents after it; a file that is
# not well-formed is "invalid" (xmllint gives it no verdict line). The
# bound is a classification, not a timed goal: the slow document needs
# over 30 times the bound given here, in CPU time.
top=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}/domain.rng
. "$(dirname "$0")/../helpers/scratch.sh"
if [ ! -r "$oracle" ]; then
    echo "FAIL schema-judge: no libvirt schema at $oracle (install libvirt0)"
    exit 0
fi
printf '<domain' >"$tmp/broken.xml"
slow=$top/tests/schema-slow/disk-driver-every-attribute.xml
demo=$top/examples/demo.xml
bad=$top/tests/schema-cases/domain/lease-offset-too-big.xml
printf '%s\n' "$demo" "$slow" "$tmp/broken.xml" "$bad" "$slow" "$demo" |
    python3 "$top/tests/schema-judge.py" --schema "$oracle" --bound 2 >"$tmp/out" 2>"$tmp/err"
printf '%s\t%s\n' "$demo" valid "$slow" timeout "$tmp/broken.xml" invalid \
    "$bad" invalid "$slow" timeout "$demo" valid >"$tmp/want"
if cmp -s "$tmp/out" "$tmp/want"; then
    echo "PASS schema-judge/bounded-batch"
else
    echo "FAIL schema-judge/bounded-batch: got $(tr '\t\n' ' ;' <"$tmp/out") $(head -n 1 "$tmp/err")"
fi
# the bound is on xmllint's CPU time, not wall time: an xmllint that
# waits (here it sleeps 3 s before it starts, as one that waits for a core
# on a busy machine) still gives every verdict within a bound of 1 s
printf '#!/bin/sh\nsleep 3\nexec xmllint "$@"\n' >"$tmp/xmllint-waits"
chmod +x "$tmp/xmllint-waits"
printf '%s\n' "$demo" "$bad" |
    SCHEMA_JUDGE_XMLLINT=$tmp/xmllint-waits python3 "$top/tests/schema-judge.py" \
        --schema "$oracle" --bound 1 >"$tmp/out" 2>"$tmp/err"
printf '%s\t%s\n' "$demo" valid "$bad" invalid >"$tmp/want"
if cmp -s "$tmp/out" "$tmp/want"; then
    echo "PASS schema-judge/cpu-time-bound"
else
    echo "FAIL schema-judge/cpu-time-bound: got $(tr '\t\n' ' ;' <"$tmp/out") $(head -n 1 "$tmp/err")"
fi
# a schema that does not compile: exit 2 with xmllint's line, no verdicts
printf '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="x"/></start></grammar>' >"$tmp/bad.rng"
printf '%s\n' "$demo" | python3 "$top/tests/schema-judge.py" --schema "$tmp/bad.rng" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q 'failed to compile' "$tmp/err"; then
    echo "PASS schema-judge/schema-does-not-compile"
else
    echo "FAIL schema-judge/schema-does-not-compile: exit $rc, $(head -n 1 "$tmp/err")"
fi
