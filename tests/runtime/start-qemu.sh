#!/bin/sh
# virtc start / status / list / stop with the real QEMU (KVM when /dev/kvm is
# usable, TCG otherwise), as root: the system instance with a dedicated
# unprivileged user (identity, groups, capabilities, cgroup device list,
# disk ownership, socket mode, cleanup), QEMU killed with SIGKILL, a guest
# that powers itself off (on_poweroff), the session instance as that user,
# the refused starts, and 50 start/stop cycles without leaks.
# Prints PASS/FAIL/SKIP lines.
gt_name=start
. "$(dirname "$0")/../helpers/guest-test.sh"

# Unique names: other engineers' tests run at the same time.
user=virtc-t-rt-$$
g=rt-t-$$
scratch_cleanup() {
    gt_stop "$g" "$g-off" "$g-pre" "$g-cyc" "$g-dev" "$g-other"
    # the session guest runs as the test user, under its own instance
    [ -x "$tmp/home/run" ] && runuser -u "$user" -- env -i HOME="$tmp/home" \
        XDG_RUNTIME_DIR="$tmp/home/run" PATH=/usr/bin:/bin "$virtc" stop --force "$g-s" >/dev/null 2>&1
    gt_userdel "$user" "$user-x"
}
chmod 711 "$tmp"
if ! useradd -r -M -U -d "$tmp/home" -s /usr/sbin/nologin "$user" 2>"$tmp/err"; then
    echo "FAIL start-qemu: cannot create the test user: $(cat "$tmp/err")"
    exit 0
fi
# where the host's /dev/kvm belongs to a group (kvm), the QEMU user joins it,
# as distributions' qemu users do
kvmgid=
if [ -c /dev/kvm ] && [ "$(stat -c %g /dev/kvm)" != 0 ]; then
    kvmgid=$(stat -c %g /dev/kvm)
    usermod -a -G "$(stat -c %G /dev/kvm)" "$user"
fi
gt_accel_for "$user"
# and a group of its own besides, to see the group database followed
groupadd -r "$user-x" && usermod -a -G "$user-x" "$user"
xgid=$(getent group "$user-x" | cut -d: -f3)
uid=$(id -u "$user")
gid=$(id -g "$user")
groups_want=$(printf '%s\n' "$gid" $kvmgid $xgid | sort -n | tr '\n' ' ')

gone() { [ ! -e "$run/$1.lock" ]; }
# ns_start ARGS: `virtc start ARGS` in a pid namespace of its own (output
# in $tmp/ns.out, $tmp/ns.err); prints its exit status, then every process
# of the namespace still there when it has returned but the shell: its
# supervisor, forked before the document is judged, must have ended when
# the start is refused.
ns_start() {
    unshare --pid --fork --mount-proc sh -c '"$@" >"$0.out" 2>"$0.err"; echo "rc=$?";
        ps -e -o pid= -o comm= > "$0.ps"' "$tmp/ns" "$virtc" start $conf "$@"
    awk -v me="$$" '$2 != "sh" && $2 != "ps" { print $2 }' "$tmp/ns.ps"
}

mkdir "$tmp/img" "$tmp/home"
chmod 711 "$tmp/img"
truncate -s 1M "$tmp/img/disk.img"
chown 0:0 "$tmp/img/disk.img"
domain "$g" "$tmp/img/disk.img" > "$tmp/dom.xml"
printf '# the test user\nuser = "%s"\ngroup = "%s"\n' "$user" "$user" > "$tmp/qemu.conf"
conf="--config $tmp/qemu.conf"

# ---- system instance, a dedicated user ----------------------------------
# The supervisor keeps none of our descriptors: a captured start returns.
( "$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err" | cat > "$tmp/out" ) &
bg=$!
wait_for "! kill -0 $bg 2>/dev/null" 600
ok $? "system: a captured 'virtc start' returns at once" "$(cat "$tmp/err")"
wait $bg 2>/dev/null
pid=$(cat "$run/$g.pid" 2>/dev/null)
ok $([ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; echo $?) "system: QEMU runs, its pid in $run/$g.pid"
st=/proc/$pid/status
[ "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "$st")" = "$uid$uid$uid$uid" ]
ok $? "system: QEMU runs as the configured user" "$(grep ^Uid: "$st")"
[ "$(awk '/^Gid:/ {print $2 $3 $4 $5}' "$st")" = "$gid$gid$gid$gid" ]
ok $? "system: QEMU runs as the configured group" "$(grep ^Gid: "$st")"
[ "$(awk '/^Groups:/ {for (i = 2; i <= NF; i++) print $i}' "$st" | sort -n | tr '\n' ' ')" = "$groups_want" ]
ok $? "system: only the configured groups (the group, the user's own)" "$(grep ^Groups: "$st"), want $groups_want"
[ "$(awk '/^CapEff:/ {print $2}' "$st")" = 0000000000000000 ] &&
    [ "$(awk '/^CapPrm:/ {print $2}' "$st")" = 0000000000000000 ]
ok $? "system: no capability (CapEff, CapPrm 0)" "$(grep ^Cap "$st" | tr '\n' ' ')"
grep -q "^[0-9]*:devices:.*/virtc/qemu/$g\$" "/proc/$pid/cgroup"
ok $? "system: QEMU is in the guest's devices cgroup" "$(grep devices "/proc/$pid/cgroup")"
cgdir=/sys/fs/cgroup/devices$(sed -n 's/^[0-9]*:devices://p' "/proc/$pid/cgroup")
# the seed's ACL (+ /dev/userfaultfd), as device numbers, and the ptys QEMU
# opens for its consoles
for dev in /dev/null /dev/full /dev/zero /dev/random /dev/urandom /dev/ptmx /dev/kvm \
           /dev/kqemu /dev/rtc /dev/hpet /dev/net/tun /dev/userfaultfd; do
    [ -c "$dev" ] || continue
    printf 'c %d:%d rw\n' "0x$(stat -L -c %t "$dev")" "0x$(stat -L -c %T "$dev")"
done > "$tmp/acl.want"
echo 'c 136:* rw' >> "$tmp/acl.want"
if [ -f "$cgdir/devices.list" ]; then
    sort "$cgdir/devices.list" > "$tmp/acl.got"
    sort -o "$tmp/acl.want" "$tmp/acl.want"
    cmp -s "$tmp/acl.want" "$tmp/acl.got"
    ok $? "system: the cgroup's device list is exactly the ACL" "$(diff "$tmp/acl.want" "$tmp/acl.got" | tr '\n' ' ')"
else
    echo "SKIP start/system: the cgroup's device list: no cgroup v1 devices controller here"
fi
# A hybrid host (v1 devices, cgroup2 beside it): QEMU was created in the
# guest's cgroup2 directory, whose device program holds it to the ACL until
# it has joined the v1 one. A process in that directory alone (its v1
# devices cgroup the root's, which allows everything) opens a node of the
# ACL (c 1:3, /dev/null's numbers) and is refused one outside it (c 5:0,
# /dev/tty's: ENXIO without a terminal were it allowed).
cg2mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
cg2dir=
if [ -n "$cg2mnt" ] && [ -f "$cgdir/devices.list" ]; then
    cg2dir=$cg2mnt$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    grep -q "^0::.*/virtc/qemu/$g\$" "/proc/$pid/cgroup" &&
        grep -q "^[0-9]*:devices:.*/virtc/qemu/$g\$" "/proc/$pid/cgroup" && [ -d "$cg2dir" ]
    ok $? "hybrid: QEMU is in the guest's cgroup2 directory and its v1 devices cgroup" "$(tr '\n' ' ' < "/proc/$pid/cgroup")"
    mknod "$tmp/null" c 1 3 && mknod "$tmp/tty" c 5 0
    sh -c 'echo $$ > "$1/cgroup.procs" || exit 9
           grep -q "^[0-9]*:devices:/\$" /proc/self/cgroup || exit 8
           exec 3<>"$2" && exec 4<>"$3"' probe "$cg2dir" "$tmp/null" "$tmp/tty" 2>"$tmp/probe.err"
    rc=$?
    [ $rc -ne 0 ] && [ $rc -lt 8 ] && grep -q "$tmp/tty: Operation not permitted" "$tmp/probe.err" &&
        ! grep -q "$tmp/null" "$tmp/probe.err"
    ok $? "hybrid: the cgroup2 directory alone refuses a device outside the ACL" "rc=$rc $(cat "$tmp/probe.err")"
    rm -f "$tmp/null" "$tmp/tty"
else
    echo "SKIP start/hybrid: not a host with cgroup v1 devices and cgroup2 beside it"
fi
[ "$(stat -c %u:%g "$tmp/img/disk.img")" = "$uid:$gid" ]
ok $? "system: the disk belongs to the QEMU user while it runs" "$(stat -c %U:%G "$tmp/img/disk.img")"
sock=/var/lib/virtc/qemu/domain-$g/monitor.sock
[ -S "$sock" ] && [ "$(stat -c %a "$sock")" = 600 ] && [ "$(stat -c %u "$sock")" = "$uid" ]
ok $? "system: the monitor socket is the user's, mode 0600" "$(stat -c '%a %U' "$sock" 2>&1)"
out=$("$virtc" status $conf "$g")
sup=$(echo "$out" | sed -n 's/^supervisor: //p')
echo "$out" | grep -qx "state: running" && echo "$out" | grep -qx "pid: $pid" &&
    echo "$out" | grep -qx "name: $g" && echo "$out" | grep -q '^uuid: ........-' &&
    echo "$out" | grep -q '^uptime: [0-9]' && [ -n "$sup" ] && kill -0 "$sup"
ok $? "system: status" "$out"
"$virtc" list $conf | grep -q "^ $pid  *$g  *running\$"
ok $? "system: list" "$("$virtc" list $conf)"
# the supervisor holds only its own descriptors: 0-2, the lock, the undo
# journal, QMP, a cgroup.procs per hierarchy, and on a host with cgroup2
# the guest's directory there (QEMU is created in it) and its device program
n=$(ls "/proc/$sup/fd" | wc -l)
ok $([ "$n" -le 10 ]; echo $?) "system: the supervisor keeps few descriptors" "$(ls -l "/proc/$sup/fd" | tr '\n' ' ')"

"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "guest '$g' is already running" "$tmp/err"
ok $? "refused: a second start of a running name" "rc=$rc $(cat "$tmp/err")"
nsout=$(ns_start "$tmp/dom.xml")
[ "$nsout" = "rc=3" ] && grep -q "guest '$g' is already running" "$tmp/ns.err"
ok $? "refused: a second start of a running name leaves no process" "$nsout $(cat "$tmp/ns.err")"
sed "s|<name>$g</name>|<name>$g-other</name>|" "$tmp/dom.xml" > "$tmp/same-uuid.xml"
# the same uuid under another name: compile both plans from one uuid
uuid=$(echo "$out" | sed -n 's/^uuid: //p')
sed -i "s|<name>$g-other</name>|<name>$g-other</name><uuid>$uuid</uuid>|" "$tmp/same-uuid.xml"
"$virtc" start $conf "$tmp/same-uuid.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "uuid $uuid is already running as '$g'" "$tmp/err" && gone "$g-other"
ok $? "refused: a second start of a running uuid" "rc=$rc $(cat "$tmp/err")"

"$virtc" stop $conf --timeout 1 "$g" 2>"$tmp/err"
ok $? "system: stop (powerdown, then quit)" "$(cat "$tmp/err")"
gone "$g" && ! alive "$pid" && ! alive "$sup"
ok $? "system: QEMU and its supervisor are gone after stop"
[ "$(stat -c %u:%g "$tmp/img/disk.img")" = 0:0 ]
ok $? "system: the disk has its old owner back" "$(stat -c %U:%G "$tmp/img/disk.img")"
[ ! -e "$cgdir" ] && [ ! -e "$sock" ] && [ ! -e "$run/$g.pid" ] && [ ! -e "$run/$g.state" ] &&
    [ ! -e "/var/lib/virtc/qemu/domain-$g" ] && { [ -z "$cg2dir" ] || [ ! -e "$cg2dir" ]; }
ok $? "system: no cgroup (v1 or cgroup2), socket, pid or state file left"
"$virtc" status $conf "$g" | grep -qx "state: shut off"
ok $? "system: status of a stopped guest"

# ---- SIGKILL of QEMU: the supervisor cleans up ----------------------------
"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err"
pid=$(cat "$run/$g.pid" 2>/dev/null)
ok $? "kill -9: started" "$(cat "$tmp/err")"
kill -9 "$pid"
wait_for "gone $g" 600
ok $? "kill -9: the supervisor ends"
[ "$(stat -c %u:%g "$tmp/img/disk.img")" = 0:0 ] && [ ! -e "$cgdir" ] && [ ! -e "$sock" ] &&
    [ ! -e "$run/$g.pid" ] && [ ! -e "/var/lib/virtc/qemu/domain-$g" ] &&
    { [ -z "$cg2dir" ] || [ ! -e "$cg2dir" ]; }
ok $? "kill -9: owner back, no cgroup (v1 or cgroup2), socket or pid file left"

# ---- SIGKILL of the supervisor: QEMU dies with it, the guest is "lost" ----
# until 'virtc stop' (or the next start) puts back what it held
"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err"
pid=$(cat "$run/$g.pid" 2>/dev/null)
sup=$("$virtc" status $conf "$g" | sed -n 's/^supervisor: //p')
kill -9 "$sup"
wait_for "! alive $pid" 600
ok $? "supervisor killed: its QEMU dies with it"
out=$("$virtc" status $conf "$g")
echo "$out" | grep -qx "state: lost" && echo "$out" | grep -qx "supervisor: $sup" &&
    [ "$(stat -c %u:%g "$tmp/img/disk.img")" = "$uid:$gid" ] &&
    { [ ! -f "$tmp/acl.got" ] || [ -e "$cgdir" ]; }
ok $? "supervisor killed: status says 'lost' (owner, cgroup still held)" "$out"
"$virtc" list $conf | grep -q "^ -  *$g  *lost\$"
ok $? "supervisor killed: list says 'lost'" "$("$virtc" list $conf)"
"$virtc" stop $conf "$g" 2>"$tmp/err"
ok $? "supervisor killed: 'virtc stop' cleans up after it" "$(cat "$tmp/err")"
[ "$(stat -c %u:%g "$tmp/img/disk.img")" = 0:0 ] && [ ! -e "$cgdir" ] && [ ! -e "$sock" ] &&
    [ ! -e "/var/lib/virtc/qemu/domain-$g" ] && [ ! -e "$run/$g.pid" ] &&
    [ ! -e "$run/$g.state" ] && [ ! -e "$run/$g.owners" ] && [ ! -e "$run/$g.lock" ]
ok $? "supervisor killed: owner back, no cgroup, socket, pid, state or lock file left" "$(stat -c %U:%G "$tmp/img/disk.img") $(ls "$run" | grep -F "$g")"
"$virtc" status $conf "$g" | grep -qx "state: shut off"
ok $? "supervisor killed: shut off after the cleanup"
"$virtc" stop $conf "$g" 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "guest '$g' is not running" "$tmp/err"
ok $? "supervisor killed: a second stop has nothing to do" "rc=$rc $(cat "$tmp/err")"
# killed again: this time the next start takes over
"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err"
pid=$(cat "$run/$g.pid" 2>/dev/null)
sup=$("$virtc" status $conf "$g" | sed -n 's/^supervisor: //p')
kill -9 "$sup"
wait_for "! alive $pid" 600
"$virtc" start $conf "$tmp/dom.xml" 2>"$tmp/err" && "$virtc" stop $conf --force "$g" 2>>"$tmp/err" &&
    gone "$g" && [ ! -e "$cgdir" ]
ok $? "supervisor killed: the next start takes over its name and cgroup" "$(cat "$tmp/err")"
[ "$(stat -c %u:%g "$tmp/img/disk.img")" = 0:0 ] && [ ! -e "$run/$g.owners" ]
ok $? "supervisor killed: the next supervisor gives the disk its owner back" "$(stat -c %U:%G "$tmp/img/disk.img")"

# ---- a host device node the guest is given: taken over, then given back ---
# a serial port on a character device the test makes (the numbers of
# /dev/null: harmless), in a directory of its own
mkdir "$tmp/dev"
chmod 711 "$tmp/dev"
mknod "$tmp/dev/ttyT0" c "$((0x$(stat -c %t /dev/null)))" "$((0x$(stat -c %T /dev/null)))"
chmod 600 "$tmp/dev/ttyT0"
truncate -s 1M "$tmp/img/dev.img"
domain "$g-dev" "$tmp/img/dev.img" |
    sed "s|<memballoon|<serial type='dev'><source path='$tmp/dev/ttyT0'/><target port='0'/></serial><memballoon|" > "$tmp/dev.xml"
"$virtc" start $conf "$tmp/dev.xml" 2>"$tmp/err"
ok $? "device node: started with a serial port on it" "$(cat "$tmp/err")"
[ "$(stat -c %u:%g "$tmp/dev/ttyT0")" = "$uid:$gid" ]
ok $? "device node: it belongs to the QEMU user while the guest runs" "$(stat -c %U:%G "$tmp/dev/ttyT0")"
pid=$(cat "$run/$g-dev.pid" 2>/dev/null)
ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $tmp/dev/ttyT0\$"
ok $? "device node: QEMU (as that user) has it open"
"$virtc" stop $conf --force "$g-dev" 2>"$tmp/err" && [ "$(stat -c %u:%g "$tmp/dev/ttyT0")" = 0:0 ]
ok $? "device node: its old owner back after stop" "$(cat "$tmp/err") $(stat -c %U:%G "$tmp/dev/ttyT0")"
[ "$(stat -c %u:%g /dev/null)" = 0:0 ] && { [ ! -e /dev/kvm ] || [ "$(stat -c %u /dev/kvm)" = 0 ]; }
ok $? "device node: the shared ones (/dev/null, /dev/kvm) are never taken over"

# ---- lifecycle: a boot sector that powers the machine off (ACPI S5) ------
# mov dx,0x604; mov ax,0x2000; out dx,ax; hlt; jmp hlt   (PIIX4 PM1a_CNT)
printf '\272\004\006\270\000\040\357\364\353\375' > "$tmp/img/off.img"
truncate -s 510 "$tmp/img/off.img"
printf '\125\252' >> "$tmp/img/off.img"
domain "$g-off" "$tmp/img/off.img" "<features><acpi/></features><on_poweroff>destroy</on_poweroff>" > "$tmp/off.xml"
"$virtc" start $conf "$tmp/off.xml" 2>"$tmp/err"
ok $? "on_poweroff=destroy: started" "$(cat "$tmp/err")"
wait_for "gone $g-off" 1200
ok $? "on_poweroff=destroy: the guest's own power-off ends it, and it is cleaned up"
domain "$g-pre" "$tmp/img/off.img" "<features><acpi/></features><on_poweroff>preserve</on_poweroff>" > "$tmp/pre.xml"
"$virtc" start $conf "$tmp/pre.xml" 2>"$tmp/err"
wait_for "\"$virtc\" status $conf $g-pre | grep -qx 'state: shut off'" 1200
ok $? "on_poweroff=preserve: QEMU kept, the guest shut off" "$("$virtc" status $conf "$g-pre")"
"$virtc" stop $conf --force "$g-pre"
ok $? "on_poweroff=preserve: stop --force"
# restart: "terminated and then restarted with the same configuration" (the
# domain format's words): a new QEMU from the same plan, again and again
domain "$g-pre" "$tmp/img/off.img" "<features><acpi/></features><on_poweroff>restart</on_poweroff>" > "$tmp/re.xml"
"$virtc" start $conf "$tmp/re.xml" 2>"$tmp/err"
pid=$(cat "$run/$g-pre.pid" 2>/dev/null)
log=/var/log/virtc/qemu/$g-pre.log
wait_for "[ \$(grep -c 'poweroff, on_poweroff=restart' $log) -ge 2 ]" 1200
ok $? "on_poweroff=restart: the guest is started again, and again" "$(tail -n 3 "$log")"
grep -q "started again, QEMU pid" "$log" && ! alive "$pid"
ok $? "on_poweroff=restart: a new QEMU, the first one gone" "$(grep 'started again' "$log" | head -n 2)"
! gone "$g-pre" && "$virtc" status $conf "$g-pre" | grep -q "^state: \(running\|paused\)\$"
ok $? "on_poweroff=restart: the guest runs on under its supervisor"
"$virtc" stop $conf --force "$g-pre" && gone "$g-pre" && [ "$(stat -c %u "$tmp/img/off.img")" = 0 ]
ok $? "on_poweroff=restart: stop --force ends it, owner back"

# ---- on_crash: a boot sector that reports a panic to a pvpanic device ------
# mov dx,0x505; mov al,1; out dx,al; hlt; jmp hlt   (pvpanic's "panicked" bit)
printf '\272\005\005\260\001\356\364\353\375' > "$tmp/img/panic.img"
truncate -s 510 "$tmp/img/panic.img"
printf '\125\252' >> "$tmp/img/panic.img"
panic_domain() {
    domain "$g-pre" "$tmp/img/panic.img" "<on_crash>$1</on_crash>" |
        sed "s|<memballoon|<panic model='isa'/><memballoon|" > "$tmp/panic-$1.xml"
}
panic_domain destroy
"$virtc" start $conf "$tmp/panic-destroy.xml" 2>"$tmp/err"
ok $? "on_crash=destroy: started" "$(cat "$tmp/err")"
wait_for "gone $g-pre" 1200 && grep -q "crash, on_crash=destroy" "$log"
ok $? "on_crash=destroy: the guest's panic ends it, and it is cleaned up" "$(tail -n 2 "$log")"
panic_domain preserve
"$virtc" start $conf "$tmp/panic-preserve.xml" 2>"$tmp/err"
pid=$(cat "$run/$g-pre.pid" 2>/dev/null)
wait_for "\"$virtc\" status $conf $g-pre | grep -qx 'state: crashed'" 1200
ok $? "on_crash=preserve: QEMU kept, the guest crashed" "$("$virtc" status $conf "$g-pre")"
alive "$pid" && "$virtc" list $conf | grep -q "^ $pid  *$g-pre  *crashed\$"
ok $? "on_crash=preserve: list says crashed" "$("$virtc" list $conf)"
"$virtc" stop $conf --force "$g-pre" && gone "$g-pre"
ok $? "on_crash=preserve: stop --force"
panic_domain restart
"$virtc" start $conf "$tmp/panic-restart.xml" 2>"$tmp/err"
pid=$(cat "$run/$g-pre.pid" 2>/dev/null)
wait_for "[ \$(grep -c 'crash, on_crash=restart' $log) -ge 2 ]" 1200
ok $? "on_crash=restart: the guest is started again after each panic" "$(tail -n 3 "$log")"
grep -q "started again, QEMU pid" "$log" && ! alive "$pid" && ! gone "$g-pre"
ok $? "on_crash=restart: a new QEMU, the first one gone"
"$virtc" stop $conf --force "$g-pre" && gone "$g-pre"
ok $? "on_crash=restart: stop --force"

# ---- refused starts -------------------------------------------------------
mkdir "$tmp/closed"
chmod 700 "$tmp/closed"
truncate -s 1M "$tmp/closed/disk.img"
domain "$g" "$tmp/closed/disk.img" > "$tmp/closed.xml"
"$virtc" start $conf "$tmp/closed.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "the directory $tmp/closed denies it search permission" "$tmp/err" &&
    grep -q "chmod o+x $tmp/closed" "$tmp/err" && gone "$g" && [ "$(stat -c %u "$tmp/closed/disk.img")" = 0 ]
ok $? "refused: a disk in a directory without search permission" "rc=$rc $(cat "$tmp/err")"
sed "s|<emulator>$qemu</emulator>|<emulator>$tmp/no-such-qemu</emulator>|" "$tmp/dom.xml" > "$tmp/noemu.xml"
"$virtc" start $conf --caps qemu-7.2 "$tmp/noemu.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "the emulator $tmp/no-such-qemu cannot be run: No such file" "$tmp/err" && gone "$g"
ok $? "refused: a missing emulator" "rc=$rc $(cat "$tmp/err")"
"$virtc" plan $conf "$tmp/dom.xml" > "$tmp/plan.xml" 2>"$tmp/err"
ok $? "plan: compiles" "$(cat "$tmp/err")"
"$virtc" validate "$tmp/plan.xml" >/dev/null 2>&1
ok $? "plan: validates against plan.rng"
# host devices in a plan: a USB device node and a PCI device's VFIO group
# (from a sysfs the test makes) are the guest's, /dev/vfio/vfio is allowed
mkdir -p "$tmp/sys/bus/pci/devices/0000:06:12.5" "$tmp/sys/kernel/iommu_groups/42"
ln -s ../../../../kernel/iommu_groups/42 "$tmp/sys/bus/pci/devices/0000:06:12.5/iommu_group"
domain "$g" "$tmp/img/disk.img" |
    sed "s|<memballoon|<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source></hostdev><hostdev mode='subsystem' type='usb'><source><address bus='1' device='2'/></source></hostdev><memballoon|" > "$tmp/hostdev.xml"
VIRTC_SYSFS=$tmp/sys "$virtc" plan $conf --caps qemu-7.2 "$tmp/hostdev.xml" > "$tmp/hostdev.plan" 2>"$tmp/err"
ok $? "plan: host devices" "$(cat "$tmp/err")"
for node in /dev/vfio/42 /dev/bus/usb/001/002; do
    tr -d '\n' < "$tmp/hostdev.plan" | grep -q "<resource path='$node' kind='[a-z]*' readonly='no' shared='no'> *<dac/>"
    ok $? "plan: the host device node $node is taken over (<dac/>)" "$(grep -A2 "$node" "$tmp/hostdev.plan")"
done
grep -q "<allow path='/dev/vfio/42' perms='rw'/>" "$tmp/hostdev.plan" &&
    grep -q "<allow path='/dev/vfio/vfio' perms='rw'/>" "$tmp/hostdev.plan" &&
    grep -q "<resource path='/dev/vfio/vfio' kind='chardev' readonly='no' shared='no'/>" "$tmp/hostdev.plan"
ok $? "plan: the cgroup allows the VFIO group and container, the container is not taken over" "$(grep vfio "$tmp/hostdev.plan")"
sed "s|on_poweroff='destroy'|on_poweroff='explode'|" "$tmp/plan.xml" > "$tmp/bad-plan.xml"
"$virtc" start "$tmp/bad-plan.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -Eq "bad-plan.xml:[0-9]+:[0-9]+: error: .*(lifecycle|on_poweroff)" "$tmp/err" && gone "$g"
ok $? "refused: a malformed plan, validated against plan.rng first" "rc=$rc $(cat "$tmp/err")"
# an invalid domain: its located error, nothing on stdout, and nothing left,
# the supervisor forked before the verdict included
sed "s|<vcpu>|<vcpus>|; s|</vcpu>|</vcpus>|" "$tmp/dom.xml" > "$tmp/bad-dom.xml"
nsout=$(ns_start "$tmp/bad-dom.xml")
[ "$nsout" = "rc=1" ] && [ ! -s "$tmp/ns.out" ] && gone "$g" &&
    grep -Eq "bad-dom.xml:[0-9]+:[0-9]+: error: <vcpus>" "$tmp/ns.err"
ok $? "refused: an invalid domain, located, no process or file left" "$nsout $(cat "$tmp/ns.err")"
# QEMU's own refusal is the message, and nothing is left
sed "s|</argv>|<arg>-device</arg><arg>virtc-no-such-device</arg></argv>|" "$tmp/plan.xml" > "$tmp/qbad-plan.xml"
"$virtc" start "$tmp/qbad-plan.xml" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && grep -q "guest '$g' did not start: qemu-system-x86_64: -device virtc-no-such-device: 'virtc-no-such-device' is not a valid device model name" "$tmp/err" &&
    gone "$g" && [ ! -e "/var/lib/virtc/qemu/domain-$g" ] && [ ! -e "$cgdir" ] &&
    [ "$(stat -c %u "$tmp/img/disk.img")" = 0 ]
ok $? "refused by QEMU: its message, nothing left" "rc=$rc $(cat "$tmp/err")"
# an LSM the host does not run, named in qemu.conf or in a plan: refused
for lsm in selinux apparmor; do
    if "$virtc" plan --config /dev/null "$tmp/dom.xml" >/dev/null 2>&1 &&
       printf 'security_driver = "%s"\n' "$lsm" > "$tmp/lsm.conf" &&
       "$virtc" plan --config "$tmp/lsm.conf" "$tmp/dom.xml" >/dev/null 2>"$tmp/err"; then
        echo "SKIP start/refused: security_driver $lsm: the host runs it"
        continue
    fi
    grep -q "lsm.conf: error: security_driver '$lsm': .* is not enabled on this host" "$tmp/err"
    ok $? "refused: qemu.conf naming $lsm on a host without it" "$(cat "$tmp/err")"
    sed "s|<dac dynamic_ownership|<driver>$lsm</driver>\n    <dac dynamic_ownership|" "$tmp/plan.xml" > "$tmp/lsm-plan.xml"
    "$virtc" start "$tmp/lsm-plan.xml" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 3 ] && grep -q "security_driver '$lsm': .* is not enabled on this host" "$tmp/err" &&
        gone "$g" && [ ! -e "/var/lib/virtc/qemu/domain-$g" ]
    ok $? "refused: a plan naming $lsm on a host without it, nothing left" "rc=$rc $(cat "$tmp/err")"
done
"$virtc" start "$tmp/plan.xml" 2>"$tmp/err" && "$virtc" stop --force "$g" 2>>"$tmp/err"
ok $? "plan: 'virtc start PLAN.xml' runs it" "$(cat "$tmp/err")"

# ---- usage -------------------------------------------------------------------
"$virtc" start 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "virtc start: missing argument" "$tmp/err"
ok $? "usage: start without a file" "rc=$rc $(cat "$tmp/err")"
"$virtc" stop --timeout soon "$g" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "timeout takes whole seconds (1-3600), not 'soon'" "$tmp/err"
ok $? "usage: a timeout that is not a number" "rc=$rc $(cat "$tmp/err")"
"$virtc" list extra 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unexpected argument 'extra'" "$tmp/err"
ok $? "usage: list takes no argument" "rc=$rc $(cat "$tmp/err")"
"$virtc" stop "$g" 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "guest '$g' is not running" "$tmp/err"
ok $? "stop of a guest that does not run" "rc=$rc $(cat "$tmp/err")"
printf 'user = 7\n' > "$tmp/bad.conf"
"$virtc" start --config "$tmp/bad.conf" "$tmp/dom.xml" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "bad.conf:1:8: error: user: expected a double-quoted string" "$tmp/err" && gone "$g"
ok $? "a bad qemu.conf line stops a start, located" "rc=$rc $(cat "$tmp/err")"
for verb in plan start stop status list; do
    "$virtc" $verb --help | grep -q "^usage: virtc $verb"
    ok $? "usage: $verb --help"
done

# ---- session instance as the unprivileged user ----------------------------
home=$tmp/home
chown "$user:$user" "$home"
truncate -s 1M "$home/disk.img"
chown "$user:$user" "$home/disk.img"
domain "$g-s" "$home/disk.img" > "$home/dom.xml"
as_user() {
    runuser -u "$user" -- env -i HOME="$home" XDG_RUNTIME_DIR="$home/run" PATH=/usr/bin:/bin \
        VIRTC_SCHEMA_DIR="$VIRTC_SCHEMA_DIR" VIRTC_PROFILE_DIR="$VIRTC_PROFILE_DIR" "$virtc" "$@"
}
as_user start "$home/dom.xml" 2>"$tmp/err"
ok $? "session: start as an unprivileged user" "$(cat "$tmp/err")"
spid=$(cat "$home/run/virtc/qemu/$g-s.pid" 2>/dev/null)
[ -n "$spid" ] && [ "$(awk '/^Uid:/ {print $2}' "/proc/$spid/status")" = "$uid" ] &&
    grep -q "^[0-9]*:devices:/\$" "/proc/$spid/cgroup" 2>/dev/null ||
    ! grep -q "virtc/qemu" "/proc/$spid/cgroup"
ok $? "session: QEMU runs as the caller, no cgroup made" "$(grep ^Uid: "/proc/$spid/status" 2>&1)"
as_user status "$g-s" | grep -qx "state: running"
ok $? "session: status"
as_user stop --force "$g-s" 2>"$tmp/err" && [ -z "$(ls "$home/run/virtc/qemu")" ] &&
    ! alive "$spid"
ok $? "session: stop, nothing left" "$(cat "$tmp/err") $(ls "$home/run/virtc/qemu")"

# ---- 50 cycles: no leak of processes, descriptors, cgroups or files -------
domain "$g-cyc" "$tmp/img/disk.img" > "$tmp/cyc.xml"
"$virtc" plan $conf "$tmp/cyc.xml" > "$tmp/cyc-plan.xml"
fds_before=$(ls /proc/$$/fd | wc -l)
# only this test's guest: other tests may run guests of their own meanwhile
mine() { ls "$run" /var/lib/virtc/qemu 2>/dev/null | grep -F "$g-cyc" | tr '\n' ' '; }
"$virtc" start --paused "$tmp/cyc-plan.xml" 2>"$tmp/err"
"$virtc" status "$g-cyc" | grep -qx "state: paused" && "$virtc" list | grep -q " $g-cyc  *paused\$"
ok $? "--paused: the guest is left paused" "$(cat "$tmp/err") $("$virtc" status "$g-cyc")"
"$virtc" stop --force "$g-cyc"
bad=0
for i in $(seq 1 50); do
    if ! "$virtc" start --paused "$tmp/cyc-plan.xml" 2>"$tmp/err" ||
       ! "$virtc" stop --force "$g-cyc" 2>>"$tmp/err"; then
        bad=$i
        break
    fi
done
ok $bad "50 start/stop cycles" "cycle $bad: $(cat "$tmp/err")"
! pgrep -f "guest=$g-cyc," >/dev/null
ok $? "50 cycles: no QEMU left"
[ "$(ls /proc/$$/fd | wc -l)" = "$fds_before" ]
ok $? "50 cycles: no descriptor leaked into the caller"
[ -z "$(mine)" ] && [ ! -e "$cgdir/../$g-cyc" ] && { [ -z "$cg2dir" ] || [ ! -e "$cg2dir/../$g-cyc" ]; } && [ "$(stat -c %u:%g "$tmp/img/disk.img")" = 0:0 ]
ok $? "50 cycles: no file or cgroup left, the disk's owner back" "$(mine) $(stat -c %U:%G "$tmp/img/disk.img")"
exit 0
