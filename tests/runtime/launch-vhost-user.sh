#!/bin/sh
# vhost-user devices against real back ends: the emitter writes the
# chardev + vhost-user device, a back end of the host serves the socket,
# and the guest starts (paused) with the device in place (launch_check,
# see tests/helpers/launch_check.c). Back ends present here: virtiofsd
# (Debian's qemu-system-common, /usr/lib/qemu/virtiofsd) for
# vhost-user-fs-pci. SKIP when QEMU or the back end is missing.
top=$(cd "$(dirname "$0")/../.." && pwd)
qemu=/usr/bin/qemu-system-x86_64
lc=$top/build/tests/launch_check
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
virtiofsd=
for p in /usr/lib/qemu/virtiofsd /usr/libexec/virtiofsd; do
    [ -x "$p" ] && virtiofsd=$p && break
done

if [ ! -x "$qemu" ] || [ ! -x "$lc" ]; then
    echo "SKIP launch-vhost-user: no $qemu or no $lc"
    exit 0
fi
if [ -z "$virtiofsd" ]; then
    echo "SKIP launch-vhost-user/virtiofs: no virtiofsd"
    exit 0
fi
. "$top/tests/helpers/scratch.sh"
pid=
# virtiofsd ends after its one connection; when the case did not connect,
# it is ours to end, and to wait for (it holds the shared directory)
scratch_cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; }
mkdir "$tmp/share"
echo hello >"$tmp/share/file"

# virtiofsd serves one connection on its socket, then exits
"$virtiofsd" --socket-path="$tmp/fs.sock" -o source="$tmp/share" -o sandbox=chroot \
    >"$tmp/virtiofsd.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$tmp/fs.sock" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$tmp/fs.sock" ]; then
    echo "SKIP launch-vhost-user/virtiofs: virtiofsd did not start ($(head -c 200 "$tmp/virtiofsd.log"))"
    exit 0
fi
# vhost-user needs the guest's RAM shared with the back end (memfd here)
cat >"$tmp/virtiofs.xml" <<XML
<domain type='kvm'>
  <name>virtiofs</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <filesystem type='mount'>
      <driver type='virtiofs' queue='512'/>
      <source socket='$tmp/fs.sock'/>
      <target dir='share'/>
    </filesystem>
    <memballoon model='none'/>
  </devices>
</domain>
XML
cat >"$tmp/virtiofs.expect" <<'EXP'
qom /machine/peripheral/fs0 vhost-user-fs-pci
chardev chr-vu-fs0
argv queue-size=512
qom /objects/pc.ram memory-backend-memfd
EXP
timeout -k 5 200 "$lc" "$tmp/virtiofs.xml" "$tmp/virtiofs.expect" 2>/dev/null ||
    [ $? -eq 1 ] || echo "FAIL launch/virtiofs: launch_check died"
