#!/bin/sh
# The last test of `make check` (tests/run-tests.sh): the suite left nothing
# behind. What the tests make, and how they name it:
#   users, groups         virtc-t-AREA-PID[-...]
#   cgroup directories    virtc-t-AREA-PID... (any depth), and a guest's
#                         .../virtc/qemu/NAME, in every v1 hierarchy and
#                         the cgroup2 mount
#   guests (system inst.) NAME = AREA-t-PID[-...]: /run/virtc/qemu/NAME.*,
#                         /var/lib/virtc/qemu/domain-NAME,
#                         /var/log/virtc/qemu/NAME.log
#   QEMU processes        running such a guest (guest=NAME) or from a
#                         scratch directory below
#   /tmp                  virtc-t-*, virtc-lc-*, virtc-test-*, virtc-argv-*,
#                         virtc-caps-*, rt-launch-test-*, rt-launch-log-*,
#                         rt-plan-dac-*
# Other engineers' suites and guests run on the same host at the same time,
# so an item is ours to blame only when
#   - it was not there when the suite began (--snapshot FILE, taken by
#     run-tests.sh first; without one everything counts),
#   - the PID in its name (the test script's, or launch_check's) is gone:
#     a test that still runs owns what it names; a name without one (the
#     unit tests' mkdtemp directories, older scripts' scratch) counts only
#     while no unit test (build/tests/test_*) and no other suite
#     (tests/run-tests.sh) runs: then it cannot be anyone else's,
#   - and it is still there 30 s later (a cleanup of a guest or a dying
#     QEMU finishes meanwhile; a pid-less scratch of a concurrent unit test
#     goes).
# Usage: check-leftovers.sh --snapshot FILE | check-leftovers.sh [FILE]
# Prints "PASS leftovers/KIND" or "FAIL leftovers/KIND: ITEM..." lines.

# the items, one "KIND ITEM" a line
items() {
    getent passwd | cut -d: -f1 | grep '^virtc-t-' | sed 's/^/user /'
    getent group | cut -d: -f1 | grep '^virtc-t-' | sed 's/^/group /'
    # mount points of the cgroup (v1) and cgroup2 file systems
    awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup2?$/) print $5; break } }' \
        /proc/self/mountinfo | sort -u | while read -r m; do
        find "$m" -maxdepth 8 -type d \( -name 'virtc-t-*' -o -path '*/virtc/qemu/*-t-[0-9]*' \) \
            -prune -print 2>/dev/null
    done | sed 's/^/cgroup /'
    for f in /run/virtc/qemu/*-t-[0-9]* /var/lib/virtc/qemu/domain-*-t-[0-9]* \
             /var/log/virtc/qemu/*-t-[0-9]*.log; do
        [ -e "$f" ] && echo "guest $f"
    done
    for f in /tmp/virtc-t-* /tmp/virtc-lc-* /tmp/virtc-test-* /tmp/virtc-argv-* /tmp/virtc-caps-* \
             /tmp/rt-launch-test-* /tmp/rt-launch-log-* /tmp/rt-plan-dac-*; do
        [ -e "$f" ] && echo "tmp $f"
    done
    # QEMU, by what its command line names: a test guest, a test scratch
    for p in $(pgrep qemu-system); do
        key=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" |
              grep -o -e 'guest=[a-z0-9]*-t-[0-9][^,]*' -e '/tmp/virtc-\(t\|lc\)-[^/,]*' | head -n 1)
        [ -n "$key" ] && echo "qemu $p $key"
    done
}

# the PID a test name carries: the first all-digit word after a '-', ended by
# '-', '.', ',' or the end; nothing when it has none
owner() {
    echo "$1" | sed -n 's|.*/||; s/^[^-]*-\([a-z]*-\)*\([0-9][0-9]*\)\([-.,].*\)\{0,1\}$/\2/p' | head -n 1
}

# the items that are new since the snapshot and whose owner is gone
suspects() {
    # $PPID: the run-tests.sh that runs us
    busy=$( { pgrep '^test_'; pgrep -f 'tests/run-tests\.sh' | grep -vx "$PPID"; } | head -n 1)
    items | sort -u | while read -r kind item rest; do
        grep -qxF "$kind $item${rest:+ $rest}" "$before" 2>/dev/null && continue
        [ "$kind" = qemu ] && grep -q "^qemu $item " "$before" 2>/dev/null && continue
        pid=$(owner "${rest:-$item}")
        [ -n "$pid" ] && [ -e "/proc/$pid" ] && continue
        [ -z "$pid" ] && [ -n "$busy" ] && continue
        echo "$kind $item${rest:+ $rest}"
    done
}

if [ "$1" = --snapshot ]; then
    items | sort -u >"$2"
    exit 0
fi
before=${1:-/dev/null}
left=$(suspects)
end=$(($(date +%s) + 30))
while [ -n "$left" ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 2
    left=$(suspects)
done
old=$(items | sort -u | grep -cxF -f "$before" 2>/dev/null)
[ "${old:-0}" -gt 0 ] && echo "NOTE leftovers: $old item(s) predate this run, not counted"
for kind in user group cgroup guest qemu tmp; do
    what=$(echo "$left" | sed -n "s/^$kind //p" | tr '\n' ' ')
    if [ -z "$what" ]; then
        echo "PASS leftovers/$kind"
    else
        echo "FAIL leftovers/$kind: the suite left $what"
    fi
done
exit 0
