#!/bin/sh
# gen-disks.sh N [BUS]: prints a domain of N disks on BUS (virtio, the
# default: targets vda, vdb, ..., vdaa, ...; scsi: sda, ...), for the scale
# bench and the many-devices test.
bus=${2:-virtio}
case $bus in virtio) prefix=vd ;; scsi) prefix=sd ;; *) echo "gen-disks.sh: bus virtio or scsi" >&2; exit 2 ;; esac
awk -v n="$1" -v bus="$bus" -v prefix="$prefix" '
function tname(i,   s) { s = ""; i++; while (i > 0) { i--; s = sprintf("%c", 97 + i % 26) s; i = int(i / 26) } return prefix s }
BEGIN {
    print "<domain type=\"qemu\">\n  <name>many</name>\n  <memory unit=\"KiB\">1048576</memory>"
    print "  <os>\n    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n  </os>\n  <devices>"
    # SCSI: one virtio-scsi controller (16,384 units a target), each disk
    # addressed and on one line, so that 50,000 fit the 10 MiB input limit
    if (bus == "scsi")
        print "    <controller type=\"scsi\" index=\"0\" model=\"virtio-scsi\"/>"
    for (i = 0; i < n; i++)
        if (bus == "scsi")
            printf "    <disk type=\"file\"><source file=\"/i/%d\"/><target dev=\"%s\" bus=\"scsi\"/><address type=\"drive\" controller=\"0\" target=\"%d\" unit=\"%d\"/></disk>\n", i, tname(i), int(i / 16000), i % 16000
        else
            printf "    <disk type=\"file\" device=\"disk\">\n      <driver name=\"qemu\" type=\"raw\"/>\n      <source file=\"/var/lib/images/d%d.img\"/>\n      <target dev=\"%s\" bus=\"%s\"/>\n    </disk>\n", i, tname(i), bus
    print "  </devices>\n</domain>"
}'
