#!/bin/sh
# Part of make bench: the cost of a guest's cgroup (device ACL) setup and
# teardown, part of the launch latency. Never fails.
top=$(cd "$(dirname "$0")/.." && pwd)
sb=$top/build/tests/security_bench
echo
if [ ! -x "$sb" ]; then
    echo "cgroup setup: skipped (needs make check's $sb)"
    exit 0
fi
echo "guest cgroup setup (runtime/security)"
"$sb" "${RTSEC_BENCH_RUNS:-21}"
exit 0
