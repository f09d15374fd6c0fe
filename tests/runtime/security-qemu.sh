#!/bin/sh
# The real QEMU under a guest cgroup of runtime/security (as root): with the
# default device ACL it starts a machine with a pty console and answers QMP;
# with an ACL of /dev/null alone it is refused the pty (EPERM from the
# device controller), on cgroup v1 and on cgroup2 (the BPF program); and no
# cgroup is left. Prints PASS/FAIL/SKIP lines.
top=$(cd "$(dirname "$0")/../.." && pwd)
qemu=/usr/bin/qemu-system-x86_64
run=$top/build/tests/cgroup_run
if [ "$(id -u)" != 0 ]; then
    echo "SKIP security-qemu: needs root (cgroups)"
    exit 0
fi
if [ ! -x "$qemu" ] || [ ! -x "$run" ]; then
    echo "FAIL security-qemu: needs $qemu and $run (make check builds it)"
    exit 0
fi
. "$top/tests/helpers/scratch.sh"
qmp='{"execute":"qmp_capabilities"}
{"execute":"quit"}'
# A machine with nothing but a pty console, TCG, quit over QMP at once.
start() { # start MODE... : runs QEMU through cgroup_run with those options
    printf '%s\n' "$qmp" | timeout -k 5 60 "$run" "$@" -- "$qemu" -machine none -accel tcg \
        -display none -nodefaults -chardev pty,id=c0 -qmp stdio >"$tmp/out" 2>&1
}
check() { # check NAME COMMAND...
    name=$1; shift
    if "$@"; then echo "PASS security-qemu/$name"
    else echo "FAIL security-qemu/$name: $(tr '\n' ' ' <"$tmp/out" | cut -c1-300)"; fi
}
has_cgroup2=$(grep -c ' - cgroup2 ' /proc/self/mountinfo)
has_v1=$(grep ' - cgroup ' /proc/self/mountinfo | grep -c devices)
for mode in v1 v2; do
    opt=""
    if [ "$mode" = v2 ]; then
        [ "$has_cgroup2" -gt 0 ] || { echo "SKIP security-qemu/v2: no cgroup2 mounted"; continue; }
        opt=--v2
    else
        [ "$has_v1" -gt 0 ] || { echo "SKIP security-qemu/v1: no cgroup v1 devices hierarchy"; continue; }
    fi
    start $opt
    check "$mode/default-acl-runs" sh -c "[ $? -eq 0 ] && grep -q '\"event\": \"SHUTDOWN\"' '$tmp/out'"
    start $opt --acl /dev/null
    check "$mode/pty-denied" sh -c "[ $? -ne 0 ] && grep -q 'Failed to create PTY: Operation not permitted' '$tmp/out'"
done
check "nothing-left" sh -c "! find /sys/fs/cgroup -maxdepth 3 -name 'virtc-t-rtsec-run-*' | grep -q ."
exit 0
