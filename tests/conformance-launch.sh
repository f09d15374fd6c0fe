#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# every visible libvirt 9.0 x86_64 case (NAME.xml with NAME.x86_64-latest.args)
# goes through the same launch as tests/runtime/launch-qemu.sh: lowered,
# emitted with the qemu-7.2 profile, its host files moved into a scratch
# directory, started paused, asked over QMP, told to quit. Each case lands in
# one bin:
#   start      QEMU came up and answered QMP
#   rejected   QEMU refused an option: a bug of ours, listed with its message
#   conversion virtc could not lower/emit it, listed by reason
#   host       QEMU needs something the host cannot give (tap, bridge, vfio,
#              hugepages, a peer on a socket it waits on: its log says
#              "QEMU waiting for connection on"), counted by resource
#   hung       QEMU ran, but its monitor did not answer within the start
#              bound and its log names nothing the host lacks (a bug of
#              ours or a very loaded host: not an option QEMU refused,
#              which it says before it exits)
#   timeout    the case ran out of time (a bug of ours too)
# Bounded: LAUNCH_CASE_TIMEOUT seconds a case (90: a start that takes 1 s
# idle takes 8-10 s on a loaded 2-core machine, and a case that allocates
# its memory up front more; load must not look like a bug), LAUNCH_BUDGET
# for the run (240); LAUNCH_JOBS cases at a time (the core count).
# A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
lc=$top/build/tests/launch_check
qemu=/usr/bin/qemu-system-x86_64
data=$corpus/libvirt-9.0/qemuxml2argvdata
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
jobs=${LAUNCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
case_timeout=${LAUNCH_CASE_TIMEOUT:-90}
budget=${LAUNCH_BUDGET:-240}       # seconds for the whole run; later cases are counted, not run
caps=${LAUNCH_CAPS:-qemu-7.2}      # LAUNCH_CAPS=legacy exercises the runner before the -device emitter lands

echo "== launch against the real QEMU ($data, profile $caps)"
[ -d "$data" ] || { echo "launch: no qemuxml2argvdata; nothing to measure"; exit 0; }
[ -x "$qemu" ] || { echo "launch: SKIP: $qemu is not installed"; exit 0; }
[ -x "$lc" ] || { echo "launch: SKIP: $lc is not built (make check builds it)"; exit 0; }
"$lc" --caps "$caps" --modern 2>/dev/null ||
    echo "launch: note: the emitter writes no -device/-blockdev forms yet; expect every case under conversion"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for a in "$data"/*.x86_64-latest.args; do
    x=${a%.x86_64-latest.args}.xml
    [ -f "$x" ] && echo "$x"
done >"$tmp/cases"
total=$(wc -l <"$tmp/cases")

# One launch_check a case, $jobs at a time; the start bound is two thirds
# of the case's (the rest for QMP and the quit), and timeout(1) kills a case that still overruns (its QEMU dies
# with it: rt_launch sets the parent-death signal).
t0=$(date +%s)
xargs -P "$jobs" -I{} sh -c '
    n=$(basename "$1" .xml)
    if [ "$(date +%s)" -ge "$6" ]; then echo "UNRUN $n: over the run budget"; exit 0; fi
    out=$(timeout -k 3 "$3" "$2" --corpus --caps "$5" --timeout "$4" "$1" 2>/dev/null)
    [ -n "$out" ] && echo "$out" || echo "TIMEOUT $n: no verdict within $3 s"
' sh {} "$lc" "$case_timeout" $((case_timeout * 1000 * 2 / 3)) "$caps" $((t0 + budget)) \
    <"$tmp/cases" >"$tmp/out"
t1=$(date +%s)

count() { grep -c "^$1 " "$tmp/out"; }
pct() { awk -v n="$1" -v t="$total" 'BEGIN { printf "%5d/%-5d %6.1f%%", n, t, t ? n * 100 / t : 0 }'; }
printf '%-34s %s  (%d s, %d jobs)\n' "launch: start" "$(pct "$(count START)")" $((t1 - t0)) "$jobs"
printf '%-34s %s\n' "launch: QEMU rejected an option" "$(pct "$(count REJECT)")"
# grouped by QEMU's message, most frequent first
group() { # group TAG: "count  message  [cases]"
    sed -n "s/^$1 \([^:]*\): \(.*\)\$/\2\t\1/p" "$tmp/out" | sed "s|/tmp/virtc-lc-[A-Za-z0-9-]*|SCRATCH|g" |
        sed 's/^[^\t]*:[0-9][0-9]*:[0-9][0-9]*: //' | sort |
        awk -F'\t' '{ n[$1]++; if (n[$1] <= 6) c[$1] = c[$1] (n[$1] > 1 ? ", " : "") $2 }
            END { for (m in n) { more = ""; if (n[m] > 6) more = ", ..."
                                 printf "  %4d  %s  [%s%s]\n", n[m], m, c[m], more } }' |
        sort -rn
}
group REJECT
printf '%-34s %s\n' "launch: conversion failed" "$(pct "$(count CONVERT)")"
group CONVERT
printf '%-34s %s\n' "launch: host resource missing" "$(pct "$(count HOST)")"
sed -n 's/^HOST \([^:]*\): \([^:]*\): .*$/\2\t\1/p' "$tmp/out" | sort |
    awk -F'\t' '{ n[$1]++; c[$1] = c[$1] (n[$1] > 1 ? ", " : "") $2 }
        END { for (m in n) printf "  %4d  %s: %s\n", n[m], m, c[m] }' | sort -rn
if [ -n "$VERBOSE" ]; then
    sed -n 's/^HOST /    /p' "$tmp/out" | sort
fi
printf '%-34s %s\n' "launch: no answer in the start bound" "$(pct "$(count HUNG)")"
sed -n 's/^HUNG /  /p' "$tmp/out" | sed "s|/tmp/virtc-lc-[A-Za-z0-9-]*|SCRATCH|g" | sort
printf '%-34s %s\n' "launch: timed out" "$(pct "$(count TIMEOUT)")"
sed -n 's/^TIMEOUT /  /p' "$tmp/out" | sort
unrun=$(count UNRUN)
[ "$unrun" -gt 0 ] && printf '%-34s %s\n' "launch: not run (budget ${budget} s)" "$(pct "$unrun")"
exit 0
