#!/bin/sh
# `virtc validate -j 2` under valgrind: no memory errors or definite leaks
# (memcheck), no data races between the checking threads (helgrind), over
# every golden case of the verb (good, bad and unreadable input) in each
# output format. SKIPs when valgrind is not installed.
#
# Prints "PASS validate-valgrind/NAME", "FAIL ...: why" or "SKIP ...".
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
G=$top/tests/golden/validate-cli
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_XSL_DIR="${VIRTC_XSL_DIR:-$top/tools}"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP validate-valgrind: valgrind is not installed"
    exit 0
fi
. "$(dirname "$0")/../helpers/scratch.sh"

# vg NAME TOOL-OPTIONS... -- VIRTC-ARGS...
vg() {
    name=$1; shift
    opts=""
    while [ "$1" != "--" ]; do opts="$opts $1"; shift; done
    shift
    # shellcheck disable=SC2086
    (cd "$G" && valgrind -q --error-exitcode=99 $opts "$VIRTC" validate "$@") \
        >/dev/null 2>"$tmp/log"
    rc=$?
    if [ "$rc" -eq 99 ]; then
        echo "FAIL validate-valgrind/$name: $(grep '==' "$tmp/log" | head -n 5)"
    elif [ "$rc" -ne 1 ]; then
        echo "FAIL validate-valgrind/$name: exit $rc, want 1"
    else
        echo "PASS validate-valgrind/$name"
    fi
}

vg memcheck-gcc --leak-check=full --errors-for-leak-kinds=definite -- -q -j 2 .
vg memcheck-junit --leak-check=full --errors-for-leak-kinds=definite -- -q -j 2 --format junit .
vg helgrind --tool=helgrind -- -q -j 2 .
exit 0
