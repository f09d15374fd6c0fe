#!/bin/sh
# What a conversion writes as libvirt does but a launch refuses before QEMU
# would (translators/qemu/argv_modern_disk.c): an IDE disk at a bus or
# unit the PIIX3 does not have is printed by domxml-to-native (with a
# warning, as libvirt writes it) and refused by `virtc plan`, which a
# start runs (a located error, exit 1, nothing on stdout).
# One line per check: PASS/FAIL storage-launch-only/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
export VIRTC_QEMU_CONF=/dev/null
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS storage-launch-only/$2"; else echo "FAIL storage-launch-only/$2"; fi; }

cat >"$tmp/ide.xml" <<XML
<domain type='qemu'>
  <name>ide-unit-two</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='$tmp/a.img'/>
      <target dev='hda' bus='ide'/>
      <address type='drive' controller='0' bus='1' target='0' unit='2'/>
    </disk>
  </devices>
</domain>
XML

"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$tmp/ide.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'bus=ide.1,unit=2' "$tmp/out" &&
    grep -q 'ide.xml:11:7: warning: .*QEMU will refuse it' "$tmp/err"
ok $? "conversion writes the document's address, with a warning"

"$VIRTC" plan --caps qemu-7.2 --test-env "$tmp/ide.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] &&
    grep -q 'ide.xml:11:7: error: IDE disk .hda. at controller 0 bus 1 unit 2' "$tmp/err"
ok $? "plan refuses it, located"

# iommu='on' on a transitional virtio disk (conventional PCI): the same;
# behind a q35 root port the device is modern and both accept it.
cat >"$tmp/iommu.xml" <<XML
<domain type='qemu'>
  <name>virtio-iommu-flag</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='MACHINE'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' iommu='on'/>
      <source file='$tmp/b.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
sed 's/MACHINE/pc/' "$tmp/iommu.xml" >"$tmp/iommu-pc.xml"
sed 's/MACHINE/q35/' "$tmp/iommu.xml" >"$tmp/iommu-q35.xml"
"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$tmp/iommu-pc.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'virtio-blk-pci,iommu_platform=on' "$tmp/out" &&
    grep -q 'iommu-pc.xml:8:5: warning: .*transitional' "$tmp/err"
ok $? "transitional virtio disk with iommu: converted, with a warning"
"$VIRTC" plan --caps qemu-7.2 --test-env "$tmp/iommu-pc.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'iommu-pc.xml:8:5: error: ' "$tmp/err"
ok $? "transitional virtio disk with iommu: plan refuses it"
"$VIRTC" plan --caps qemu-7.2 --test-env "$tmp/iommu-q35.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'iommu_platform=on' "$tmp/out" && ! grep -q transitional "$tmp/err"
ok $? "virtio disk behind a root port with iommu: planned"
