#!/bin/sh
# <vsock><cid auto='yes'/> with the real QEMU: the plan leaves the context ID
# to the runtime, which chooses a free one at start (/dev/vhost-vsock). Where
# the host has the device, two such guests run at once with different CIDs;
# where it has not (this development machine), the start is refused with an
# error naming the device, and nothing is left behind.
# Prints PASS/FAIL/SKIP lines.
gt_name=vsock
. "$(dirname "$0")/../helpers/guest-test.sh"

g=vsock-t-$$
tmp=$(mktemp -d /tmp/virtc-t-vsock-XXXXXX)
cleanup() {
    for n in "$g-a" "$g-b"; do
        "$virtc" stop --force "$n" >/dev/null 2>&1
        rm -f /var/log/virtc/qemu/"$n".log
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
# killed (a closed pipe, ^C): still clean up
trap "exit 1" HUP INT PIPE TERM
chmod 711 "$tmp"
printf 'user = "root"\ngroup = "root"\n' > "$tmp/qemu.conf"
conf="--config $tmp/qemu.conf"
for n in a b; do
    truncate -s 1M "$tmp/$n.img"
    domain "$g-$n" "$tmp/$n.img" "" "<vsock model='virtio'><cid auto='yes'/></vsock>" > "$tmp/$n.xml"
done

"$virtc" plan $conf "$tmp/a.xml" 2>"$tmp/err" | grep -q "<vsock device='vsock0' cid='auto'/>"
ok $? "the plan leaves the CID to the runtime" "$(cat "$tmp/err")"

# guest-cid=N of QEMU's command line
cid_of() { tr '\0' '\n' < "/proc/$1/cmdline" | sed -n 's/.*id=vsock0,guest-cid=\([0-9]*\).*/\1/p'; }

if [ -c /dev/vhost-vsock ]; then
    "$virtc" start $conf "$tmp/a.xml" 2>"$tmp/err" && "$virtc" start $conf "$tmp/b.xml" 2>>"$tmp/err"
    ok $? "two guests with an automatic CID start" "$(cat "$tmp/err")"
    a=$(cid_of "$(cat "$run/$g-a.pid")")
    b=$(cid_of "$(cat "$run/$g-b.pid")")
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -ge 3 ] && [ "$b" -ge 3 ] && [ "$a" != "$b" ]
    ok $? "each has a CID of its own (3 or more)" "a=$a b=$b"
    "$virtc" stop --force "$g-a" && "$virtc" stop --force "$g-b" &&
        [ -z "$(ls "$run" | grep -F "$g-")" ]
    ok $? "stopped, nothing left"
else
    "$virtc" start $conf "$tmp/a.xml" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 3 ] && grep -q "cannot open /dev/vhost-vsock to find a free context ID: .*vhost_vsock module" "$tmp/err"
    ok $? "no /dev/vhost-vsock: the start is refused, naming the device" "rc=$rc $(cat "$tmp/err")"
    [ -z "$(ls "$run" | grep -F "$g-")" ] && [ ! -e "/var/lib/virtc/qemu/domain-$g-a" ] &&
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "$g-a" 2>/dev/null)" ]
    ok $? "no /dev/vhost-vsock: nothing left behind" "$(ls "$run" | grep -F "$g-")"
fi
