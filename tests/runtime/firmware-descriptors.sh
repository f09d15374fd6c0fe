#!/bin/sh
# <os firmware='efi'> with capabilities probed from this host's QEMU reads
# the host's firmware descriptors (translators/qemu/argv_modern_firmware.c):
# /usr/share/qemu/firmware, /etc/qemu/firmware, then the user's
# $XDG_CONFIG_HOME/qemu/firmware; a later folder's file replaces an earlier
# one of the same name, an empty file hides it, and the first fitting file
# by name wins. A named profile reads only the profile's descriptors.
# One line per check: PASS/FAIL/SKIP firmware-descriptors/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
QEMU=/usr/bin/qemu-system-x86_64
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_CACHE_DIR="$tmp/cache"
export XDG_CONFIG_HOME="$tmp/xdg"
ok() { if [ "$1" -eq 0 ]; then echo "PASS firmware-descriptors/$2"; else echo "FAIL firmware-descriptors/$2"; fi; }
if [ ! -x "$QEMU" ]; then
    echo "SKIP firmware-descriptors: $QEMU is not installed"
    exit 0
fi
mkdir -p "$XDG_CONFIG_HOME/qemu/firmware"
fw=$XDG_CONFIG_HOME/qemu/firmware
cat >"$tmp/efi.xml" <<XML
<domain type='qemu'>
  <name>fw-desc</name>
  <memory unit='MiB'>64</memory>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <emulator>$QEMU</emulator>
  </devices>
</domain>
XML
# desc FILE CODE MACHINE-GLOB: a split-mode UEFI descriptor
desc() {
    cat >"$1" <<JSON
{ "interface-types": ["uefi"],
  "mapping": { "device": "flash",
               "executable": { "filename": "$2", "format": "raw" },
               "nvram-template": { "filename": "$tmp/VARS.fd", "format": "raw" } },
  "targets": [ { "architecture": "x86_64", "machines": ["$3"] } ],
  "features": [] }
JSON
}
# the user's descriptor, first by name: its code and template are chosen
desc "$fw/01-virtc-test.json" "$tmp/CODE.fd" "pc-i440fx-*"
"$VIRTC" domxml-to-native qemu-argv "$tmp/efi.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "filename=$tmp/CODE.fd,node-name=libvirt-pflash0-storage" "$tmp/out" &&
    grep -q "fw-desc_VARS.fd.*made from '$tmp/VARS.fd'" "$tmp/err"
ok $? "probed: the user's descriptor, first by name"

# an empty file of the same name hides it; a descriptor for q35 only does not fit
: >"$fw/01-virtc-test.json"
desc "$fw/02-virtc-q35.json" "$tmp/CODE.fd" "pc-q35-*"
"$VIRTC" domxml-to-native qemu-argv "$tmp/efi.xml" >"$tmp/out" 2>"$tmp/err"
! grep -q "$tmp/CODE.fd" "$tmp/out"
ok $? "probed: an empty file hides a descriptor, a q35 one does not fit pc"

# a named profile ignores the host's and the user's folders
desc "$fw/00-virtc-any.json" "$tmp/ANY.fd" "*"
"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$tmp/efi.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && ! grep -q "$tmp/ANY.fd" "$tmp/out" &&
    grep -q 'filename=/usr/share/OVMF/OVMF_CODE_4M.fd,' "$tmp/out"
ok $? "profile: the profile's descriptors only"

# a descriptor that is not JSON is skipped with a warning
printf '{ not json' >"$fw/00-virtc-any.json"
"$VIRTC" domxml-to-native qemu-argv "$tmp/efi.xml" >"$tmp/out" 2>"$tmp/err"
grep -q "warning: firmware descriptor '$fw/00-virtc-any.json' is not JSON; skipped" "$tmp/err"
ok $? "probed: a broken descriptor is skipped with a warning"
