#!/bin/sh
# Part of make bench (tests/bench.sh runs every tests/bench-*.sh): the
# qemu-argv emitter's throughput next to validation of the same files, and
# a document of 50,000 disks (placement and emission are linear; the goal
# is under 2 s for the whole conversion). Prints; never fails on a number.
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
best() { # best of 3 wall-clock seconds of a command
    b=""
    for _ in 1 2 3; do
        t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
        b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { d = z - a; if (b == "" || d < b) print d; else print b }')
    done
    echo "$b"
}

echo
echo "qemu-argv emitter (profile qemu-7.2)"
if [ -d "$corpus/libvirt-9.0/qemuxml2argvdata" ]; then
    ls "$corpus"/libvirt-9.0/qemuxml2argvdata/*.xml >"$tmp/files"
else
    ls "$top"/tests/golden/qemu-7.2/[!b]*.xml >"$tmp/files"
fi
n=$(wc -l <"$tmp/files")
mkdir -p "$tmp/out"
val=$(best sh -c "xargs '$VIRTC' validate -q --type domain -j 1 <'$tmp/files'")
conv=$(best sh -c "xargs '$VIRTC' domxml-to-native qemu-argv --caps qemu-7.2 --output-dir '$tmp/out' <'$tmp/files'")
awk -v n="$n" -v v="$val" -v c="$conv" 'BEGIN {
    printf "%-46s %8.0f docs/s %8.3f s\n", "virtc validate (same files)", n / v, v
    printf "%-46s %8.0f docs/s %8.3f s   x%.2f of validation (goal <= 2)\n",
           "virtc domxml-to-native --output-dir", n / c, c, c / v }'

# 50,000 SCSI disks on one virtio-scsi controller, written compactly: every
# input is held to 10 MiB (the one reader), and the long form is 15 MB.
awk -v n=50000 'BEGIN {
    print "<domain type=\"qemu\"><name>big</name><memory unit=\"KiB\">262144</memory><vcpu>1</vcpu>"
    print "<os><type arch=\"x86_64\" machine=\"pc\">hvm</type></os><devices>"
    print "<controller type=\"scsi\" index=\"0\" model=\"virtio-scsi\"/>"
    for (i = 0; i < n; i++) {
        s = ""; k = i + 1
        while (k > 0) { k--; s = sprintf("%c", 97 + k % 26) s; k = int(k / 26) }
        printf "<disk type=\"file\"><source file=\"/i/%d\"/><target dev=\"sd%s\" bus=\"scsi\"/>", i, s
        printf "<address type=\"drive\" controller=\"0\" target=\"%d\" unit=\"%d\"/></disk>\n", int(i / 16000), i % 16000
    }
    print "</devices></domain>" }' >"$tmp/disks50k.xml"
t0=$(now)
"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/disks50k.xml" >"$tmp/disks50k.args" 2>"$tmp/err"
rc=$?
t1=$(now)
awk -v a="$t0" -v z="$t1" -v rc="$rc" -v d="$(grep -o -- '-device scsi-hd' "$tmp/disks50k.args" | wc -l)" 'BEGIN {
    printf "%-46s %8.3f s   (%d scsi-hd written, exit %d; goal < 2 s)\n", "50,000 disks, one conversion", z - a, d, rc }'
exit 0
