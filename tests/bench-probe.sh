#!/bin/sh
# make bench, probing: the cold probe of the installed QEMU (an empty cache),
# then domxml-to-native with no --caps, which reads the cache, per document.
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}
VIRTC=$top/tools/virtc
qemu=/usr/bin/qemu-system-x86_64
echo
if [ ! -x "$qemu" ]; then
    echo "probe: $qemu not installed; skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VIRTC_CACHE_DIR="$tmp/cache"
now() { date +%s.%N; }

best=""
for _ in 1 2 3; do
    rm -rf "$VIRTC_CACHE_DIR"
    t0=$(now); "$VIRTC" capabilities --probe-qemu "$qemu" >/dev/null 2>&1; t1=$(now)
    best=$(awk -v a="$t0" -v z="$t1" -v b="$best" 'BEGIN { d = z - a; if (b == "" || d < b) print d; else print b }')
done
t0=$(now); "$VIRTC" capabilities --probe-qemu "$qemu" >/dev/null 2>&1; t1=$(now)
hit=$(awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }')
printf '%-46s %8.0f ms   (cache hit: %.0f ms)\n' "cold probe of $qemu" \
    "$(awk -v s="$best" 'BEGIN { print s * 1000 }')" "$(awk -v s="$hit" 'BEGIN { print s * 1000 }')"

# Documents that name this emulator, converted with the probed (cached) caps.
files=$tmp/files
if [ -d "$corpus/libvirt-9.0/qemuxml2argvdata" ]; then
    grep -l "<emulator>$qemu</emulator>" "$corpus"/libvirt-9.0/qemuxml2argvdata/*.xml >"$files"
else
    grep -l "<emulator>$qemu</emulator>" "$top"/tests/golden/qemu-7.2/*.xml >"$files"
fi
n=$(wc -l <"$files")
[ "$n" -gt 0 ] || exit 0
mkdir -p "$tmp/out"
best=""
for _ in 1 2 3; do
    t0=$(now); xargs "$VIRTC" domxml-to-native qemu-argv --output-dir "$tmp/out" <"$files" >/dev/null 2>&1; t1=$(now)
    best=$(awk -v a="$t0" -v z="$t1" -v b="$best" 'BEGIN { d = z - a; if (b == "" || d < b) print d; else print b }')
done
awk -v s="$best" -v n="$n" 'BEGIN { printf "%-46s %8.0f docs/s %8.3f s  (%d docs)\n",
    "domxml-to-native, probed caps from the cache", n / s, s, n }'
