#!/bin/sh
# Differential schema agreement (make conformance): virtc's schemas against
# libvirt's own (Debian's libvirt0), on documents generated from both schema
# sets and on mutations of the corpus (tests/schema-diff.sh). Prints one
# rate line per kind next to the corpus agreement, then the disagreements
# (the first 10 of each kind; ORDER: refused by libvirt's schema under
# libxml2 only in the order given; TIMEOUT: libvirt's schema gave no
# verdict in time, see tests/schema-diff.sh; PARSER and LOOSER: libvirt's
# own parser takes what virtc validate refuses, or refuses what it takes,
# counted on the rate line as "parser: P stricter, L looser"). A report:
# exits 0 unless it cannot run.
top=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$1" ] && export VIRTC_CORPUS="$1"
seed=${VIRTC_DIFF_SEED:-7}
count=${VIRTC_DIFF_COUNT:-30}
echo "== differential schema agreement with libvirt's schemas (seed $seed, $count documents per source)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# storage: domains that vary only in their <disk> and <hostdev> devices
kinds=${VIRTC_DIFF_KINDS:-domain storage network storagepool storagevol storageencryption nodedev secret capability interface}
# shellcheck disable=SC2086
sh "$top/tests/schema-diff.sh" --seed "$seed" --count "$count" $kinds >"$out" 2>&1
if [ $? -eq 2 ]; then
    echo "  differential: cannot run: $(head -n 1 "$out")"
    exit 0
fi
awk '
/^schema-diff / {
    kind = $2; sub(/:$/, "", kind)
    split($3, a, "/")
    # the counts of the parser of libvirt disagreeing with virtc
    # validate (PARSER: virtc stricter; LOOSER: virtc takes what it refuses)
    parser = looser = ""
    if (match($0, /[0-9]+ of them taken by libvirt.s parser/)) parser = substr($0, RSTART, RLENGTH) + 0
    if (match($0, /[0-9]+ taken by virtc validate and refused/)) looser = substr($0, RSTART, RLENGTH) + 0
    printf "%-34s %5d/%-5d %6.1f%%", "differential " kind, a[1], a[2], a[2] ? a[1] * 100 / a[2] : 0
    if (looser != "") printf "   parser: %d stricter, %d looser", parser, looser
    printf "\n"
    shown = 0; next
}
/^(DIFF|ORDER|TIMEOUT|PARSER|LOOSER) / { if (shown++ < 10) print "  " $0; else if (shown == 11) print "  ..." }
' "$out"
exit 0
