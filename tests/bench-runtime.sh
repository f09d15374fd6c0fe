#!/bin/sh
# Part of make bench: launch latency of `virtc start` (issue 7's goal: at
# most 1.3 times the bare start), security setup included: a diskless guest
# started with `virtc start DOMAIN.xml` (plan compiled, supervisor, DAC,
# capabilities, cgroup, QEMU, QMP, cont) and with its compiled plan, next to
# the plan's own argv started by hand to QMP-ready. Medians of 7, alternated,
# and the fastest run of each (what a start costs when nothing else on a
# shared machine got in its way).
# Then where the time goes: more starts of each, traced (VIRTC_TRACE), each
# step's median time since the exec of virtc. Needs root (the system
# instance) and QEMU. Never fails.
#
# BENCH_RUNTIME_BASE=TREE (another built checkout, e.g. main before a
# change): its virtc is measured by the same start_bench in the same run,
# rows in the order this, base, base, this for each kind of start, so that
# a comparison is made under the same load. START_BENCH_RUNS=N: runs a row;
# START_BENCH_EACH=1: every run's two times too (which went first).
top=$(cd "$(dirname "$0")/.." && pwd)
sb=$top/build/tests/start_bench
virtc=$top/tools/virtc
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
runs=${START_BENCH_RUNS:-7}

echo
if [ ! -x /usr/bin/qemu-system-x86_64 ] || [ ! -x "$sb" ] || [ "$(id -u)" -ne 0 ]; then
    echo "virtc start latency: skipped (needs root, /usr/bin/qemu-system-x86_64 and $sb)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" /var/log/virtc/qemu/virtc-bench-$$.log' EXIT
accel=qemu
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
cat > "$tmp/bench.xml" <<XML
<domain type='$accel'>
  <name>virtc-bench-$$</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <memballoon model='none'/>
  </devices>
</domain>
XML
# a uuid of its own, so that the domain and its plan start the same guest
"$virtc" plan "$tmp/bench.xml" > "$tmp/bench.plan.xml" || exit 0
uuid=$(sed -n 's|.*<uuid>\(.*\)</uuid>.*|\1|p' "$tmp/bench.plan.xml")
sed -i "s|<name>|<uuid>$uuid</uuid><name>|" "$tmp/bench.xml"
echo "virtc start latency to a running guest ($accel, system instance, security included; medians of $runs)"
# the machine is shared: a ratio means little without the load it ran under
echo "conditions: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
printf '%-34s %12s %12s   %s\n' "" "virtc start" "argv by hand" "ratio (goal <= 1.3)"
# row TREE FILE: one row with TREE's virtc (the base's with its own
# schemas and profiles, its rows marked "base:")
row() {
    if [ "$1" = "$top" ]; then
        "$sb" "$runs" "$virtc" "$tmp/bench.plan.xml" "$2"
    else
        VIRTC_SCHEMA_DIR="$1/schemas" VIRTC_PROFILE_DIR="$1/translators/qemu/profiles" \
            "$sb" "$runs" "$1/tools/virtc" "$tmp/bench.plan.xml" "$2" |
            sed -E 's/^(virtc start [A-Z]+\.xml) {6}/base: \1/'
    fi
    echo "  load average after this row: $(cut -d' ' -f1-3 /proc/loadavg)"
}
base=${BENCH_RUNTIME_BASE:-}
if [ -n "$base" ] && [ ! -x "$base/tools/virtc" ]; then
    echo "BENCH_RUNTIME_BASE: $base/tools/virtc is not built; measuring this tree alone"
    base=
fi
for f in "$tmp/bench.xml" "$tmp/bench.plan.xml"; do
    if [ -n "$base" ]; then
        row "$top" "$f"; row "$base" "$f"; row "$base" "$f"; row "$top" "$f"
    else
        row "$top" "$f"
    fi
done
echo "conditions: load average $(cut -d' ' -f1-3 /proc/loadavg) after"
"$sb" --profile "$runs" "$virtc" "virtc-bench-$$" "$tmp/bench.xml"
"$sb" --profile "$runs" "$virtc" "virtc-bench-$$" "$tmp/bench.plan.xml"
exit 0
