#!/bin/sh
# make bench: throughput next to its references. Prints a table; never fails
# on a number (speed goals are read here, not asserted in tests).
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=$tmp/files
if [ -d "$corpus/libvirt-9.0/qemuxml2argvdata" ]; then
    ls "$corpus"/libvirt-9.0/qemuxml2argvdata/*.xml >"$files"
else
    ls "$top"/tests/golden/qemu-7.2/[!b]*.xml "$top"/examples/*.xml 2>/dev/null >"$files"
fi
n=$(wc -l <"$files")
[ "$n" -gt 0 ] || { echo "bench: no input documents"; exit 0; }

now() { date +%s.%N; }
# best of 3 wall-clock seconds for a command reading the file list
best() {
    b=""
    for _ in 1 2 3; do
        t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
        b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { d = z - a; if (b == "" || d < b) print d; else print b }')
    done
    echo "$b"
}
row() { # row NAME SECONDS [REFERENCE_SECONDS]
    awk -v name="$1" -v s="$2" -v r="$3" -v n="$n" 'BEGIN {
        if (r != "") printf "%-46s %8.0f docs/s %8.3f s   x%.2f vs xmllint\n", name, n / s, s, r / s;
        else printf "%-46s %8.0f docs/s %8.3f s\n", name, n / s, s }'
}

echo "virtc bench: $n domain documents ($(nproc) cores)"
echo
ref=$(best sh -c "xargs xmllint --noout --relaxng '$top/schemas/domain.rng' <'$files'")
row "xmllint --noout --relaxng domain.rng" "$ref"
j1=$(best sh -c "xargs '$VIRTC' validate -q --type domain -j 1 <'$files'")
row "virtc validate -j 1" "$j1" "$ref"
j2=$(best sh -c "xargs '$VIRTC' validate -q --type domain -j 2 <'$files'")
row "virtc validate -j 2" "$j2" "$ref"
caps=${BENCH_CAPS:-legacy}
[ -f "$top/translators/qemu/profiles/qemu-7.2.xml" ] && caps=${BENCH_CAPS:-qemu-7.2}
mkdir -p "$tmp/out"
conv=$(best sh -c "xargs '$VIRTC' domxml-to-native qemu-argv --caps $caps --output-dir '$tmp/out' <'$files'")
row "virtc domxml-to-native qemu-argv ($caps)" "$conv"

for extra in "$top"/tests/bench-*.sh; do
    [ -f "$extra" ] && sh "$extra"
done
exit 0
