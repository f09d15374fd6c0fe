#!/bin/sh
# PCI buses added as libvirt adds them (i440fx: pci-bridges when the slots
# run out), at the limit of a PCI domain: 256 buses (pci.0 and 255 bridges
# numbered 1..255) hold 7,680 devices besides the bridges; the largest
# domain of virtio disks that fits (7,679 and the balloon) converts with
# 255 bridges, one disk more is refused with one located error, whatever
# the number of devices that do not fit. The goldens qemu-7.2/pci-bridge-*
# show the placement itself; speed is measured by make bench.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS pci-buses/$2"; else echo "FAIL pci-buses/$2: $3"; fi; }
conv() { "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$1"; }

sh "$top/tests/gen-disks.sh" 7679 >"$tmp/full.xml"
conv "$tmp/full.xml" >"$tmp/full.args" 2>"$tmp/err"
rc=$?
tr ' ' '\n' <"$tmp/full.args" >"$tmp/words"
[ $rc -eq 0 ] && [ "$(grep -c '^pci-bridge,' "$tmp/words")" = 255 ] &&
    [ "$(grep -c '^virtio-blk-pci,' "$tmp/words")" = 7679 ]
ok $? 255-bridges "exit $rc: $(head -c 200 "$tmp/err")"
# every bridge sits on a bus of a lower number, every device on a bus that
# exists, and no two devices share a slot
awk -F, '/^pci-bridge,/ { for (i = 1; i <= NF; i++) { if ($i ~ /^id=pci\./) id = substr($i, 8) + 0;
                                                   if ($i ~ /^bus=pci\./) bus = substr($i, 9) + 0 }
                          if (bus >= id) bad++; have[id] = 1 }
         /bus=pci\./ { for (i = 1; i <= NF; i++) { if ($i ~ /^bus=pci\./) b = substr($i, 9) + 0;
                                                if ($i ~ /^addr=/) a = substr($i, 6) }
                       if (b > 0 && !(b in have)) bad++; if ((b, a) in seen) bad++; seen[b, a] = 1 }
         END { exit bad > 0 }' "$tmp/words"
ok $? bridges-ordered-and-slots-unique ""

sh "$top/tests/gen-disks.sh" 7800 >"$tmp/over.xml"
conv "$tmp/over.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "over.xml:[0-9]*:5: error: no free PCI slot left: pci.0 and 255 pci-bridges are full" "$tmp/err"
ok $? too-many-refused-once "exit $rc: $(head -c 300 "$tmp/err")"
