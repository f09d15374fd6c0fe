#!/bin/sh
# A type='kvm' domain converted with capabilities probed from this host's
# QEMU: where /dev/kvm is usable it gets accel=kvm; where it is not (no
# device, no permission) the conversion is refused with a located error,
# exit 1 and nothing on stdout, as libvirt refuses the virt type. A named
# profile says what its QEMU offered wherever it is read: accel=kvm.
# One line per check: PASS/FAIL/SKIP kvm-type/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
QEMU=/usr/bin/qemu-system-x86_64
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_CACHE_DIR="$tmp/cache"
ok() { if [ "$1" -eq 0 ]; then echo "PASS kvm-type/$2"; else echo "FAIL kvm-type/$2"; fi; }

cat >"$tmp/kvm.xml" <<XML
<domain type='kvm'>
  <name>kvm-type</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <emulator>$QEMU</emulator>
  </devices>
</domain>
XML

"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/kvm.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'accel=kvm' "$tmp/out"
ok $? "named profile: accel=kvm"

if [ ! -x "$QEMU" ]; then
    echo "SKIP kvm-type/probed: $QEMU is not installed"
    exit 0
fi
"$VIRTC" domxml-to-native qemu-argv "$tmp/kvm.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    [ $rc -eq 0 ] && grep -q 'accel=kvm' "$tmp/out"
    ok $? "probed, /dev/kvm usable: accel=kvm"
else
    [ $rc -eq 1 ] && [ ! -s "$tmp/out" ] &&
        grep -q "^$tmp/kvm.xml:1:1: error: .*virt type 'kvm'" "$tmp/err"
    ok $? "probed, /dev/kvm not usable: a located error, exit 1"
fi
