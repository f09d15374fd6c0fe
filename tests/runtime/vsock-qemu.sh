#!/bin/sh
# <vsock><cid auto='yes'/> with the real QEMU: the plan leaves the context ID
# to the runtime, which sets a free one on a descriptor of /dev/vhost-vsock
# at start and hands QEMU that descriptor (vhostfd=4). Where the host has
# the device, two such guests run at once with different CIDs, each QEMU
# holds the device as its descriptor 4 and opens no other copy, and the
# supervisors keep none; where it has not (this development machine), those
# checks are SKIPped with the reason, the start is refused with an error
# naming the device, and nothing is left behind.
# Prints PASS/FAIL/SKIP lines.
gt_name=vsock
. "$(dirname "$0")/../helpers/guest-test.sh"

g=vsock-t-$$
scratch_cleanup() { gt_stop "$g-a" "$g-b" "$g-r"; }
chmod 711 "$tmp"
printf 'user = "root"\ngroup = "root"\n' > "$tmp/qemu.conf"
conf="--config $tmp/qemu.conf"
for n in a b; do
    truncate -s 1M "$tmp/$n.img"
    domain "$g-$n" "$tmp/$n.img" "" "<vsock model='virtio'><cid auto='yes'/></vsock>" > "$tmp/$n.xml"
done

"$virtc" plan $conf "$tmp/a.xml" 2>"$tmp/err" >"$tmp/plan.xml"
grep -q "<vsock device='vsock0' cid='auto' fd='4'/>" "$tmp/plan.xml" &&
    grep -q "<arg>vhost-vsock-pci,id=vsock0,guest-cid=3,vhostfd=4,.*</arg>" "$tmp/plan.xml"
ok $? "the plan leaves the CID to the runtime, passed as descriptor 4" "$(cat "$tmp/err")"

# the descriptors of PID that are the vhost-vsock device, as "N" lines
vsock_fds() { for f in /proc/$1/fd/*; do [ "$(readlink "$f")" = /dev/vhost-vsock ] && echo "${f##*/}"; done; }
# the supervisor of guest NAME
sup_of() { "$virtc" status $conf "$1" | sed -n 's/^supervisor: //p'; }

# guest-cid=N of QEMU's command line
cid_of() { tr '\0' '\n' < "/proc/$1/cmdline" | sed -n 's/.*id=vsock0,guest-cid=\([0-9]*\).*/\1/p'; }

if [ -c /dev/vhost-vsock ]; then
    "$virtc" start $conf "$tmp/a.xml" 2>"$tmp/err" && "$virtc" start $conf "$tmp/b.xml" 2>>"$tmp/err"
    ok $? "two guests with an automatic CID start" "$(cat "$tmp/err")"
    a=$(cid_of "$(cat "$run/$g-a.pid")")
    b=$(cid_of "$(cat "$run/$g-b.pid")")
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -ge 3 ] && [ "$b" -ge 3 ] && [ "$a" != "$b" ]
    ok $? "each has a CID of its own (3 or more)" "a=$a b=$b"
    pa=$(cat "$run/$g-a.pid")
    [ "$(vsock_fds "$pa")" = 4 ] && tr '\0' '\n' < "/proc/$pa/cmdline" | grep -q "vhostfd=4"
    ok $? "QEMU holds the device as descriptor 4 (vhostfd=4), no other copy" "$(vsock_fds "$pa")"
    sa=$(sup_of "$g-a")
    [ -n "$sa" ] && [ -z "$(vsock_fds "$sa")" ]
    ok $? "the supervisor keeps no copy once QEMU has it" "supervisor $sa: $(vsock_fds "$sa")"
    "$virtc" stop $conf --force "$g-a" && "$virtc" stop $conf --force "$g-b" &&
        [ -z "$(ls "$run" | grep -F "$g-")" ]
    ok $? "stopped, nothing left"
    # A restart (on_poweroff) gets a fresh descriptor: a vhost device stays
    # bound to the QEMU that used it first. The boot sector powers off at
    # once (PIIX4 PM1a_CNT: S5); with restart_limit_burst = 1 the second
    # QEMU is kept, stopped.
    printf '\272\004\006\270\000\040\357\364\353\375' > "$tmp/off.img"
    truncate -s 510 "$tmp/off.img"
    printf '\125\252' >> "$tmp/off.img"
    domain "$g-r" "$tmp/off.img" "<features><acpi/></features><on_poweroff>restart</on_poweroff>" \
        "<vsock model='virtio'><cid auto='yes'/></vsock>" > "$tmp/r.xml"
    printf 'user = "root"\ngroup = "root"\nrestart_limit_burst = 1\n' > "$tmp/r.conf"
    rconf="--config $tmp/r.conf"
    "$virtc" start $rconf "$tmp/r.xml" 2>"$tmp/err" &&
        wait_for "\"$virtc\" status $rconf $g-r | grep -qx 'state: shut off'" 1800 &&
        grep -q "started again" "/var/log/virtc/qemu/$g-r.log"
    ok $? "restarted with an automatic CID (a fresh descriptor)" "$(cat "$tmp/err") $(tail -n 3 "/var/log/virtc/qemu/$g-r.log")"
    pr=$(cat "$run/$g-r.pid")
    [ "$(vsock_fds "$pr")" = 4 ] && [ -n "$(cid_of "$pr")" ]
    ok $? "the restarted QEMU holds its own descriptor 4" "$(vsock_fds "$pr")"
    "$virtc" stop $rconf --force "$g-r" && [ -z "$(ls "$run" | grep -F "$g-r.")" ]
    ok $? "the restarted guest stopped, nothing left"
else
    echo "SKIP vsock/real device: this host has no /dev/vhost-vsock (vhost_vsock module): two guests with their own CIDs, the descriptor in QEMU only"
    "$virtc" start $conf "$tmp/a.xml" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 3 ] && grep -q "cannot open /dev/vhost-vsock to find a free context ID: .*vhost_vsock module" "$tmp/err"
    ok $? "no /dev/vhost-vsock: the start is refused, naming the device" "rc=$rc $(cat "$tmp/err")"
    [ -z "$(ls "$run" | grep -F "$g-")" ] && [ ! -e "/var/lib/virtc/qemu/domain-$g-a" ] &&
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "$g-a" 2>/dev/null)" ]
    ok $? "no /dev/vhost-vsock: nothing left behind" "$(ls "$run" | grep -F "$g-")"
fi
