#!/bin/sh
# Starts the real QEMU from launches and checks over QMP that what was asked
# for exists (tests/launch/, see tests/helpers/launch_check.c for the case
# and expectation formats):
#   NAME.argv + NAME.expect  hand-written launches: the runtime's own paths
#                            (ready, QEMU's refusal, exit, hang, no binary)
#   shape/NAME.argv          NAME.xml as libvirt 9.0 would launch it, checked
#                            against NAME.expect: proves the expectations, so
#                            that a failing NAME.xml blames the emitter
#   NAME.xml  + NAME.expect  domains through the qemu-argv emitter with the
#                            qemu-7.2 profile, started paused (-S)
# Prints PASS/FAIL/SKIP lines; SKIP when there is no QEMU, or when the
# emitter cannot write the -device generation yet.
top=$(cd "$(dirname "$0")/../.." && pwd)
qemu=/usr/bin/qemu-system-x86_64
lc=$top/build/tests/launch_check
cases=$top/tests/launch
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"

if [ ! -x "$qemu" ]; then
    echo "SKIP launch-qemu: $qemu is not installed"
    exit 0
fi
if [ ! -x "$lc" ]; then
    echo "FAIL launch-qemu: $lc is not built (make check builds it)"
    exit 0
fi
# A case is bounded by launch_check itself (60 s to start, 60 s of QMP, 10 s
# for its processes to go: generous, a loaded machine must not reach them);
# timeout(1) is the belt to those braces.
run() { timeout -k 5 200 "$lc" "$@" || [ $? -eq 1 ] || echo "FAIL launch/$(basename "$1"): launch_check died"; }

for a in "$cases"/*.argv; do
    run "$a" "${a%.argv}.expect"
done
for a in "$cases"/shape/*.argv; do
    n=$(basename "$a" .argv)
    timeout -k 5 200 "$lc" "$a" "$cases/$n.expect" | sed "s|^\([A-Z]*\) launch/$n/|\1 launch/shape/$n/|"
done

if [ ! -f "$VIRTC_PROFILE_DIR/qemu-7.2.xml" ]; then
    echo "SKIP launch-qemu/emitted: no qemu-7.2 profile yet"
    exit 0
fi
if ! "$lc" --modern 2>/dev/null; then
    echo "SKIP launch-qemu/emitted: the qemu-argv emitter writes no -device/-blockdev forms yet; $(ls "$cases"/*.xml | wc -l) domain cases wait for it"
    exit 0
fi
for x in "$cases"/*.xml; do
    run "$x" "${x%.xml}.expect"
done
exit 0
