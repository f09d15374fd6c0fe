#!/bin/sh
# A lost supervisor (SIGKILLed) cleaned up by `virtc stop NAME` run from a
# process in other cgroups than the supervisor's, with the real QEMU: the
# cleanup finds the guest's cgroup by the absolute path its undo journal
# recorded, gives the disk its owner back, and leaves nothing behind.
# Prints PASS/FAIL/SKIP lines.
gt_name=lost
. "$(dirname "$0")/../helpers/guest-test.sh"

user=virtc-t-lost-$$
g=lost-t-$$
# the cgroups `virtc stop` runs in: one in each v1 hierarchy with devices
# or memory, and one in the cgroup2 hierarchy
other=virtc-t-lost-$$
cgmounts=$(awk '$0 ~ / - cgroup2 / || ($0 ~ / - cgroup / && ($NF ~ /devices/ || $NF ~ /memory/)) {print $5}' /proc/self/mountinfo)
scratch_cleanup() {
    gt_stop "$g"
    for m in $cgmounts; do
        [ -d "$m/$other" ] && ! rmdir "$m/$other" && echo "FAIL lost/cleanup: cannot remove the cgroup $m/$other"
    done
    gt_userdel "$user"
}

chmod 711 "$tmp"
if ! useradd -r -M -U -d "$tmp" -s /usr/sbin/nologin "$user" 2>"$tmp/err"; then
    echo "FAIL lost/cannot create the test user: $(cat "$tmp/err")"
    exit 0
fi
gt_accel_for "$user"
truncate -s 1M "$tmp/disk.img"
domain "$g" "$tmp/disk.img" > "$tmp/dom.xml"
printf 'user = "%s"\ngroup = "%s"\n' "$user" "$user" > "$tmp/qemu.conf"
conf="--config $tmp/qemu.conf"

"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err"
ok $? "started" "$(cat "$tmp/err")"
pid=$(cat "$run/$g.pid" 2>/dev/null)
sup=$("$virtc" status $conf "$g" | sed -n 's/^supervisor: //p')
# the guest's cgroup directories, as QEMU's /proc/PID/cgroup shows them
dirs=$(sed -n 's|^[0-9]*:\([^:]*\):\(.*/virtc/qemu/'"$g"'\)$|\1 \2|p' "/proc/$pid/cgroup" |
       while read -r ctl path; do
           for m in $cgmounts; do
               case "$ctl" in
               "") grep -q " $m .* - cgroup2 " /proc/self/mountinfo && echo "$m$path" ;;
               *) [ "$(basename "$m")" = "$ctl" ] && echo "$m$path" ;;
               esac
           done
       done)
[ -n "$dirs" ] && for d in $dirs; do [ -d "$d" ] && grep -qx "cgroup virtc/qemu $d" "$run/$g.undo" || exit 1; done
ok $? "the undo journal records each cgroup directory by its absolute path" "$dirs / $(cat "$run/$g.undo" 2>&1)"

kill -9 "$sup"
wait_for "! alive $pid" 600
ok $? "supervisor killed: its QEMU dies with it"
"$virtc" status $conf "$g" | grep -qx "state: lost" && [ "$(stat -c %U "$tmp/disk.img")" = "$user" ]
ok $? "supervisor killed: the guest is lost, the disk still the QEMU user's"

# `virtc stop` from other cgroups than the supervisor's
for m in $cgmounts; do mkdir "$m/$other" || exit 1; done
sh -c 'for m in $1; do echo $$ > "$m/$2/cgroup.procs" || exit 1; done
       cat /proc/self/cgroup > "$3/stop.cgroup"
       exec "$4" stop --config "$3/qemu.conf" "$5"' sh "$cgmounts" "$other" "$tmp" "$virtc" "$g" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "/$other\$" "$tmp/stop.cgroup"
ok $? "stop, run from other cgroups, cleans up" "rc=$rc $(cat "$tmp/err") $(tr '\n' ' ' < "$tmp/stop.cgroup")"
left=
for d in $dirs; do [ -e "$d" ] && left="$left $d"; done
[ -z "$left" ]
ok $? "no cgroup directory of the guest is left" "$left"
[ "$(stat -c %u:%g "$tmp/disk.img")" = 0:0 ]
ok $? "the disk has its old owner back" "$(stat -c %U:%G "$tmp/disk.img")"
[ -z "$(ls "$run" | grep -F "$g.")" ] && [ ! -e "/var/lib/virtc/qemu/domain-$g" ]
ok $? "no state, lock, pid, owners or journal file, no state directory" "$(ls "$run" | grep -F "$g.")"
! alive "$pid" && ! alive "$sup"
ok $? "no process of the guest"
