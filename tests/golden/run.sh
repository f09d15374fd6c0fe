#!/bin/sh
# The golden runner: every folder under tests/golden/ with a `suite` file is a
# suite of cases, each case an input file and the files that say what must
# come of it. The `suite` file holds lines `key: value`:
#
#   args:   virtc arguments; {} stands for the input file (run from the suite folder)
#   input:  the input files' extension (default .xml)
#   output: the extension of the expected standard output (default .out)
#
# For an input NAME.xml:
#   NAME<output>  stdout must be exactly this, stderr may hold warnings, exit 0
#                 (and be exactly NAME.warn when that file exists)
#   NAME.err      stderr must be exactly this, stdout empty, exit NAME.exit (default 1)
#   valid/NAME.xml and invalid/NAME.xml (verdict cases, no expected file):
#                 valid: exit 0; invalid: exit 1, nothing on stdout, and stderr
#                 holds a located error "NAME.xml:LINE:COL: error: ..."
# Prints "PASS suite/case" or "FAIL suite/case: why" per case.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
. "$(dirname "$0")/../helpers/scratch.sh"

conf() { sed -n "s/^$1: *//p" "$2" | head -n 1; }

# run_case SUITE_DIR REL_INPUT ARGS  -> sets rc; output in $tmp/out, $tmp/err
# ARGS are words without quoting (the suite files need none); {} becomes the
# input file as one word, whatever characters its name holds.
run_case() {
    (
        cd "$1" || exit 99
        input=$2
        set -f
        # shellcheck disable=SC2086
        set -- $3
        set +f
        for w; do
            shift
            if [ "$w" = "{}" ]; then set -- "$@" "$input"; else set -- "$@" "$w"; fi
        done
        exec "$VIRTC" "$@"
    ) >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

check_case() {
    dir=$1 suite=$2 rel=$3 args=$4 outext=$5 inext=$6
    name=${rel%"$inext"}
    run_case "$dir" "$rel" "$args"
    if [ -f "$dir/$name$outext" ]; then
        if [ "$rc" -ne 0 ]; then
            echo "FAIL $suite/$name: exit $rc: $(head -c 300 "$tmp/err")"; return
        fi
        if ! cmp -s "$tmp/out" "$dir/$name$outext"; then
            echo "FAIL $suite/$name: output differs:"
            diff "$dir/$name$outext" "$tmp/out" | head -n 20; return
        fi
        if [ -f "$dir/$name.warn" ] && ! cmp -s "$tmp/err" "$dir/$name.warn"; then
            echo "FAIL $suite/$name: warnings differ:"
            diff "$dir/$name.warn" "$tmp/err" | head -n 20; return
        fi
        echo "PASS $suite/$name"; return
    fi
    if [ -f "$dir/$name.err" ]; then
        want=1
        [ -f "$dir/$name.exit" ] && want=$(cat "$dir/$name.exit")
        if [ "$rc" -ne "$want" ]; then
            echo "FAIL $suite/$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; return
        fi
        if [ -s "$tmp/out" ]; then echo "FAIL $suite/$name: wrote to stdout"; return; fi
        if ! cmp -s "$tmp/err" "$dir/$name.err"; then
            echo "FAIL $suite/$name: stderr differs:"
            diff "$dir/$name.err" "$tmp/err" | head -n 20; return
        fi
        echo "PASS $suite/$name"; return
    fi
    case "$rel" in
    valid/*)
        if [ "$rc" -eq 0 ]; then echo "PASS $suite/$name"
        else echo "FAIL $suite/$name: want valid, exit $rc: $(head -c 300 "$tmp/err")"; fi ;;
    invalid/*)
        base=$(basename "$rel")
        if [ "$rc" -ne 1 ]; then echo "FAIL $suite/$name: want exit 1, got $rc"
        elif [ -s "$tmp/out" ] && [ -z "$(conf stdout-ok "$dir/suite")" ]; then
            echo "FAIL $suite/$name: wrote to stdout"
        elif ! grep -Eq "(^|/)$base:[0-9]+:[0-9]+: error: " "$tmp/err"; then
            echo "FAIL $suite/$name: no located error: $(head -c 300 "$tmp/err")"
        else echo "PASS $suite/$name"; fi ;;
    *) echo "FAIL $suite/$name: no expected output ($name$outext or $name.err)" ;;
    esac
}

for suitefile in "$top"/tests/golden/*/suite "$top"/tests/golden/*/*/suite; do
    [ -f "$suitefile" ] || continue
    dir=$(dirname "$suitefile")
    suite=${dir#"$top"/tests/golden/}
    args=$(conf args "$suitefile")
    inext=$(conf input "$suitefile"); inext=${inext:-.xml}
    outext=$(conf output "$suitefile"); outext=${outext:-.out}
    (cd "$dir" && find . -name "*$inext" | sed 's|^\./||' | sort) | while read -r rel; do
        # an expected output can share the input's extension (x.xml -> x.out.xml)
        case "$rel" in *"$outext") [ "$outext" != "$inext" ] || continue ;; esac
        case "$rel" in *.out.xml|*.expect.*) continue ;; esac
        check_case "$dir" "$suite" "$rel" "$args" "$outext" "$inext"
    done
done
