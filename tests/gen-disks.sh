#!/bin/sh
# gen-disks.sh N: prints a domain of N virtio disks (targets vda, vdb, ...,
# vdaa, ...), for the scale bench and the many-devices test.
awk -v n="$1" '
function tname(i,   s) { s = ""; i++; while (i > 0) { i--; s = sprintf("%c", 97 + i % 26) s; i = int(i / 26) } return "vd" s }
BEGIN {
    print "<domain type=\"qemu\">\n  <name>many</name>\n  <memory unit=\"KiB\">1048576</memory>"
    print "  <os>\n    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n  </os>\n  <devices>"
    for (i = 0; i < n; i++)
        printf "    <disk type=\"file\" device=\"disk\">\n      <driver name=\"qemu\" type=\"raw\"/>\n      <source file=\"/var/lib/images/d%d.img\"/>\n      <target dev=\"%s\" bus=\"virtio\"/>\n    </disk>\n", i, tname(i)
    print "  </devices>\n</domain>"
}'
