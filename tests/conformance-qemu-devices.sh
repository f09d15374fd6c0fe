#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# for every visible libvirt 9.0 x86_64 case (NAME.xml with
# NAME.x86_64-latest.args, libvirt's output for QEMU 7.2), convert with the
# qemu-7.2 profile and compare the multisets of -device drivers and of
# -blockdev/-netdev/-chardev/-audiodev/-object backend types
# (tests/argv-compare.sh). Prints how many convert, agree on -device
# drivers, agree on devices and backends, and per differing case what is
# missing or extra. A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=$top/tools/virtc
cmp_sh=$top/tests/argv-compare.sh
data=$corpus/libvirt-9.0/qemuxml2argvdata
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"

echo "== qemu-argv devices and backends against libvirt 9.0 ($data, profile qemu-7.2)"
[ -d "$data" ] || { echo "qemu-devices: no qemuxml2argvdata; nothing to measure"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total=0 conv=0 devs=0 all=0
: >"$tmp/report"
for want in "$data"/*.x86_64-latest.args; do
    xml=${want%.x86_64-latest.args}.xml
    [ -f "$xml" ] || continue
    total=$((total + 1))
    name=$(basename "$xml" .xml)
    if ! "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$xml" >"$tmp/got" 2>"$tmp/err"; then
        echo "  FAIL convert $name: $(grep -m1 'error:' "$tmp/err" | sed "s|^$data/||")" >>"$tmp/report"
        continue
    fi
    conv=$((conv + 1))
    if sh "$cmp_sh" "$want" "$tmp/got" >"$tmp/diff"; then
        devs=$((devs + 1)) all=$((all + 1))
        continue
    fi
    grep -q '^[a-z]* device ' "$tmp/diff" || devs=$((devs + 1))
    echo "  DIFF $name: $(tr '\n' ';' <"$tmp/diff" | sed 's/;$//; s/;/; /g')" >>"$tmp/report"
done
line() { printf '%-40s %4d/%d\n' "$1" "$2" "$total"; }
line "qemu-argv converts" "$conv"
line "qemu-argv agrees on -device drivers" "$devs"
line "qemu-argv agrees on devices+backends" "$all"
cat "$tmp/report"
exit 0
