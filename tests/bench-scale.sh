#!/bin/sh
# make bench, scale: one generated domain with N disks (BENCH_SCALE, default
# 20000 and 50000), through validate, format and domxml-to-native; xmllint
# with the same schema as the reference. The goal (issue 11): 50,000 disks
# in under 2 s for each verb. A table, never a failure. The conversion reads
# virtio disks (each a PCI device: placement adds the pci-bridges libvirt
# adds) and SCSI disks (units of one controller). A PCI domain has 256 buses,
# so at most 7,679 virtio disks fit an i440fx guest (with its balloon): more
# are refused (exit 1, after placement ran out of buses), and the row of the
# largest one that fits shows the cost of a conversion that adds 255 bridges.
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# vda..vdz, vdaa..: the disk targets in order
gen() { sh "$top/tests/gen-disks.sh" "$1"; }
# CPU seconds (user + system) and wall seconds of a command
measure() {
    /usr/bin/time -f "%U %S %e" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"
    st=$?
    tail -n 1 "$tmp/t" | awk -v st="$st" '{ printf "%7.2f s cpu %7.2f s wall   exit %d", $1 + $2, $3, st }'
}
row() { printf '%-44s %s\n' "$1" "$2"; }

echo
echo "scale: one domain of N disks ($(nproc) cores; cpu = user + system)"
for n in ${BENCH_SCALE:-20000 50000}; do
    gen "$n" >"$tmp/d.xml"
    row "xmllint --relaxng domain.rng, $n disks" "$(measure xmllint --noout --relaxng "$top/schemas/domain.rng" "$tmp/d.xml")"
    row "virtc validate, $n disks" "$(measure "$VIRTC" validate -q "$tmp/d.xml")"
    row "virtc format, $n disks" "$(measure "$VIRTC" format "$tmp/d.xml")"
    row "virtc domxml-to-native (qemu-7.2), $n virtio disks" "$(measure "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/d.xml")"
    sh "$top/tests/gen-disks.sh" "$n" scsi >"$tmp/s.xml"
    row "virtc domxml-to-native (qemu-7.2), $n scsi disks" "$(measure "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/s.xml")"
done
gen 7679 >"$tmp/d.xml"
row "virtc domxml-to-native (qemu-7.2), 7679 virtio disks" "$(measure "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/d.xml")"
exit 0
