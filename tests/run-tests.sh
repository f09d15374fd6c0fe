#!/bin/sh
# Runs every test that needs no network and ends with "N passed, N failed".
# Each part prints one line per test: "PASS name" or "FAIL name: why".
# Exit status: 0 when nothing failed.
cd "$(dirname "$0")/.." || exit 2
log=$(mktemp)
trap 'rm -f "$log" "$log.before"' EXIT
trap 'exit 1' HUP INT PIPE TERM
sh tests/check-leftovers.sh --snapshot "$log.before"

for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >>"$log" 2>&1 || echo "FAIL $(basename "$t"): exited with status $?" >>"$log"
done
sh tests/golden/run.sh >>"$log" 2>&1 || true
sh tests/check-qemu-layers.sh >>"$log" 2>&1 || true
sh tests/from-native-qapi.sh >>"$log" 2>&1 || true
sh tests/conformance-from-native-gen.sh --check --seeds 1 --count 8 --profiles qemu-7.2 >>"$log" 2>&1 || true
sh tests/schema-prune-diff.sh 60 >>"$log" 2>&1 || true
python3 tests/schema-orders.py --check --count 400 --validate tools/virtc >>"$log" 2>&1 || { rc=$?; [ $rc -eq 1 ] || echo "FAIL schema-orders: exited with status $rc" >>"$log"; }
for t in tests/runtime/*.sh; do
    [ -f "$t" ] || continue
    sh "$t" >>"$log" 2>&1 || echo "FAIL $(basename "$t"): exited with status $?" >>"$log"
done
# last: nothing of the suite is left (users, cgroups, guests, QEMU, /tmp)
sh tests/check-leftovers.sh "$log.before" >>"$log" 2>&1 || echo "FAIL check-leftovers.sh: exited with status $?" >>"$log"

grep -E '^(FAIL|SKIP)' "$log"
pass=$(grep -c '^PASS ' "$log")
fail=$(grep -c '^FAIL ' "$log")
[ -n "$VERBOSE" ] && cat "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
