#!/bin/sh
# How tests/conformance-launch.sh sorts a start that failed (launch_check
# --corpus), on hand-written launches with the real QEMU: an option QEMU
# refuses stays "REJECT" (QEMU says so and exits); a QEMU that waits on a
# listening socket for its peer (what a vhost-user interface in server
# mode does) is "HOST ...: socket peer", from QEMU's own words in its log;
# a process that runs but never answers, and says nothing, is "HUNG", a
# class of its own, not a rejected option. Nothing is left in /tmp.
# Prints PASS/FAIL/SKIP lines.
top=$(cd "$(dirname "$0")/../.." && pwd)
lc=$top/build/tests/launch_check
qemu=/usr/bin/qemu-system-x86_64
if [ ! -x "$qemu" ]; then echo "SKIP launch-classify: $qemu is not installed"; exit 0; fi
if [ ! -x "$lc" ]; then echo "SKIP launch-classify: $lc is not built (make check builds it)"; exit 0; fi
. "$top/tests/helpers/scratch.sh"
cases=$top/tests/launch
# launch_check's scratch directories and QEMUs run from them, whose
# launch_check (the pid in the name) is gone: leftovers
orphans() {
    { ls -d /tmp/virtc-lc-* 2>/dev/null
      for p in $(pgrep qemu-system); do
          tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -o '/tmp/virtc-lc-[^/,]*' | sed "s/^/qemu $p /"
      done; } | while read -r x; do
        pid=$(echo "$x" | sed -n 's|.*/virtc-lc-\([0-9]*\)-.*|\1|p')
        [ -n "$pid" ] && [ ! -e "/proc/$pid" ] && echo "$x"
    done | sort
}
orphans >"$tmp/before"

# sort CASE: launch_check's one --corpus line for tests/launch/CASE.argv
sort_case() { "$lc" --corpus --timeout "$2" "$cases/$1.argv" 2>/dev/null; }
ok() { if [ "$1" -eq 0 ]; then echo "PASS launch-classify/$2"; else echo "FAIL launch-classify/$2: $3"; fi; }

out=$(sort_case hand-bad-device 30000)
echo "$out" | grep -q "^REJECT hand-bad-device: .*'no-such-device' is not a valid device model name"
ok $? "an option QEMU refuses stays rejected" "$out"

out=$(sort_case hand-wait-peer 3000)
echo "$out" | grep -q "^HOST hand-wait-peer: socket peer: .*no answer on its monitor .*within 3000 ms; its last message: .*QEMU waiting for connection on: "
ok $? "QEMU waiting for its socket peer is the host's part (socket peer), from its log" "$out"

out=$(sort_case hand-hang 500)
echo "$out" | grep -q "^HUNG hand-hang: .*no answer on its monitor .*within 500 ms\$"
ok $? "no answer in the start bound and no word why: hung, not rejected" "$out"

orphans >"$tmp/after"
left=$(comm -13 "$tmp/before" "$tmp/after")
[ -z "$left" ]
ok $? "nothing left (scratch directories, processes)" "$left"
