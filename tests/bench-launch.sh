#!/bin/sh
# Part of make bench: launch latency. For a few launches, the time from
# execve to a QMP monitor that answers, through rt_launch_start (fork,
# execve, socket poll, handshake), next to the same argv started by a bare
# loop (fork, execve, connect every millisecond, greeting, qmp_capabilities).
# Medians of 7 starts each, alternated; QEMU paused (-S). Never fails.
top=$(cd "$(dirname "$0")/.." && pwd)
lc=$top/build/tests/launch_check
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
runs=${LAUNCH_BENCH_RUNS:-7}

echo
if [ ! -x /usr/bin/qemu-system-x86_64 ] || [ ! -x "$lc" ]; then
    echo "launch latency: skipped (needs /usr/bin/qemu-system-x86_64 and make check's $lc)"
    exit 0
fi
accel=tcg
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
echo "launch latency to QMP-ready ($accel; medians of $runs)"
printf '%-30s %11s %11s %11s   %s\n' "launch" "rt_launch" "by hand" "(greeting)" "ratio"
echo "hand-written, libvirt 9.0's shape (tests/launch/shape):"
for a in disk-virtio sound chardevs; do
    "$lc" --bench "$runs" "$top/tests/launch/shape/$a.argv"
done
if "$lc" --modern 2>/dev/null; then
    echo "emitted with the qemu-7.2 profile (tests/launch):"
    for x in disk-virtio sound chardevs; do
        "$lc" --bench "$runs" "$top/tests/launch/$x.xml"
    done
else
    echo "(emitted launches: waiting for the -device emitter)"
fi
exit 0
