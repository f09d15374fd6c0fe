#!/bin/sh
# conformance-from-native-gen.sh [--seeds "S..."] [--count N] [--profiles "P..."]
#     [--keep DIR] [--check] [CORPUS]
# Issue 9's generality: the reader against command lines of domains that
# are not corpus files (the issue's hidden second set of libvirt 9.0 lines
# is of that kind). The domains:
#   gen   tests/schema-gen.py `devices` documents (a fixed small domain with
#         one to three devices generated from schemas/domain.rng, and
#         mutations inside <devices> of our golden domains), per seed;
#   mut   tests/schema-gen.py `mutate` of our golden domains, per seed;
#   gold  our golden domains (tests/golden/qemu-*/*.xml).
# Only VALID domains are used: `virtc validate` takes them and, when
# Debian's libvirt schemas are installed, so does libvirt's domain.rng
# (xmllint). For each such domain and profile (qemu-7.2, legacy):
#   A = domxml-to-native qemu-argv --caps P --test-env DOMAIN
#   X = domxml-from-native qemu-argv A        (a) X must be a valid domain
#   B = domxml-to-native ... X               (b) B = A (the fixpoint)
#                                            (c) B has A's multisets of
#   -device drivers and -blockdev/-netdev/-chardev/-audiodev/-object types
#   (tests/argv-compare.sh, measure 3's comparison).
# A domain the emitter refuses is counted apart ("refused": the emitter's
# coverage, not the reader's). Each failure is classified:
#   reader    the reader refused A, crashed, gave an invalid domain, or a
#             domain whose command line differs from A (the default class:
#             every such case is the reader's until shown otherwise);
#   emitter   to-native crashed, or a pattern of EMITTER below matched: A
#             is not what QEMU runs, so reading it back cannot agree;
#   invalid   the domain is valid by the schema but contradicts itself in
#             a way the schema does not see (two devices on one address,
#             one target twice): the emitter writes it, the reader rightly
#             refuses the duplicate ids (INVALID below).
# Prints rates and one line per failure: CLASS PROFILE SOURCE FILE: why.
# --check: the bounded run of `make check` (one seed, few documents, no
# goldens): one PASS/FAIL line for what must hold for every valid input,
# whatever the schemas make the generator write: neither direction
# crashes and the reader never gives an invalid domain (its "internal
# error"). The rates are this script's report, not a gate.
# A report, not a gate (exit 0), except with --check.
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
cmp_sh=$top/tests/argv-compare.sh
seeds="1 2" count=40 profiles="qemu-7.2 legacy" keep="" check=""
while [ $# -gt 0 ]; do
    case $1 in
    --seeds) seeds=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --profiles) profiles=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) break ;;   # the corpus dir conformance.sh passes: not used (no corpus file is read)
    esac
done
command -v python3 >/dev/null || { echo "from-native-gen: needs python3; nothing to measure"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen="python3 $top/tests/schema-gen.py"

rate() { # rate NAME PASS TOTAL
    if [ "$3" -gt 0 ]; then
        awk -v n="$1" -v p="$2" -v t="$3" 'BEGIN { printf "%-50s %5d/%-5d %6.1f%%\n", n, p, t, p * 100 / t }'
    else
        printf '%-50s %5s\n' "$1" "n/a"
    fi
}

# ---- the domains -----------------------------------------------------------
ls "$top"/tests/golden/qemu-7.2/*.xml "$top"/tests/golden/qemu-legacy/*.xml 2>/dev/null >"$tmp/golden"
mkdir -p "$tmp/docs"
: >"$tmp/cands"
while read -r f; do printf 'gold\t%s\n' "$f"; done <"$tmp/golden" >>"$tmp/cands"
for s in $seeds; do
    $gen devices --schema "$top/schemas/domain.rng" --other "$top/schemas/domain.rng" \
        --out "$tmp/docs/gen$s" --count "$count" --seed "$s" <"$tmp/golden" 2>/dev/null |
        sed 's/^/gen\t/' >>"$tmp/cands"
    $gen mutate --schema "$top/schemas/domain.rng" --out "$tmp/docs/mut$s" --count "$count" \
        --seed "$s" --prefix m <"$tmp/golden" 2>/dev/null | sed 's/^/mut\t/' >>"$tmp/cands"
done
[ -n "$check" ] && sed -i '/^gold\t/d' "$tmp/cands"   # the goldens' fixpoint is measure 4's

# valid: virtc validate (one process; a file failed when an error names it)
cut -f2 "$tmp/cands" >"$tmp/files"
(cd / && xargs -d '\n' "$VIRTC" validate -q --type domain <"$tmp/files") 2>&1 >/dev/null |
    sed -n 's|^\([^:]*\):[0-9]*:[0-9]*: error: .*|\1|p' | sort -u >"$tmp/bad.virtc"
: >"$tmp/bad.libvirt"
if [ -r "$oracle/domain.rng" ] && command -v xmllint >/dev/null; then
    xargs -d '\n' xmllint --noout --relaxng "$oracle/domain.rng" <"$tmp/files" 2>&1 >/dev/null |
        sed -n 's|^\(.*\) fails to validate$|\1|p' | sort -u >"$tmp/bad.libvirt"
    judge="virtc and libvirt's schema"
else
    judge="virtc (no libvirt schemas in $oracle)"
fi
cat "$tmp/bad.virtc" "$tmp/bad.libvirt" >"$tmp/bad"
awk -F'\t' 'NR == FNR { bad[$0] = 1; next } !bad[$2]' "$tmp/bad" "$tmp/cands" >"$tmp/valid"

# ---- classification --------------------------------------------------------
# EMITTER / INVALID: emitter_why, invalid_why (tests/helpers/from-native-why.sh,
# which measure 4 of conformance-from-native.sh shares).
. "$top/tests/helpers/from-native-why.sh"

# one DOMAIN through one PROFILE; appends "RESULT\tCLASS\tWHY" to $tmp/res
crashed() { [ "$1" -ge 128 ] || { [ "$1" -gt 3 ] && [ "$1" -ne 123 ]; }; }
run_one() { # SOURCE FILE PROFILE
    src=$1 f=$2 p=$3 read=0
    "$VIRTC" domxml-to-native qemu-argv --caps "$p" --test-env "$f" >"$tmp/a.args" 2>"$tmp/w1"
    rc=$?
    if crashed $rc; then out emitter "to-native exited with status $rc (a crash)"; return; fi
    if [ $rc -ne 0 ]; then echo "refused	$src	$p	$f" >>"$tmp/res"; return; fi
    "$VIRTC" domxml-from-native qemu-argv "$tmp/a.args" >"$tmp/x.xml" 2>"$tmp/err"
    rc=$?
    if crashed $rc; then out reader "from-native exited with status $rc (a crash)"; return; fi
    if [ $rc -ne 0 ]; then
        why=$(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')
        cat "$tmp/w1" "$tmp/err" >"$tmp/ctx"
        if grep -q 'internal error' "$tmp/err"; then out reader "$why"
        elif w=$(invalid_why "$tmp/ctx"); then out invalid "$w ($why)"
        elif w=$(emitter_why "$tmp/ctx"); then out emitter "$w ($why)"
        else out reader "$why"; fi
        return
    fi
    read=1
    "$VIRTC" domxml-to-native qemu-argv --caps "$p" --test-env "$tmp/x.xml" >"$tmp/b.args" 2>"$tmp/w2"
    rc=$?
    if crashed $rc; then out emitter "to-native of the read domain exited with status $rc (a crash)"; return; fi
    if [ $rc -ne 0 ]; then
        out reader "the read domain does not convert: $(grep -m1 'error:' "$tmp/w2" | sed 's|^[^ ]*: error: ||')"
        return
    fi
    if cmp -s "$tmp/a.args" "$tmp/b.args"; then
        printf 'pass\t%s\t%s\t%s\t\t1\n' "$src" "$p" "$f" >>"$tmp/res"; return
    fi
    tr ' ' '\n' <"$tmp/a.args" >"$tmp/a.w"; tr ' ' '\n' <"$tmp/b.args" >"$tmp/b.w"
    d=$(diff "$tmp/a.w" "$tmp/b.w" | grep '^[<>]' | head -4 | tr '\n' ' ')
    if sh "$cmp_sh" "$tmp/a.args" "$tmp/b.args" >"$tmp/diff"; then
        kind="same devices, other command line"
    else
        kind="devices differ: $(tr '\n' ';' <"$tmp/diff" | sed 's/;$//; s/;/; /g')"
    fi
    { cat "$tmp/w1" "$tmp/err"; echo "$d"; } >"$tmp/ctx"
    if w=$(emitter_why "$tmp/ctx"); then out emitter "$w: $kind: $d"
    elif w=$(invalid_why "$tmp/ctx"); then out invalid "$w: $kind: $d"
    else out reader "$kind: $d"; fi
}
out() { # CLASS WHY; column 6: the domain was read (valid)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$src" "$p" "$f" "$2" "$read" >>"$tmp/res"
    if [ -n "$keep" ]; then
        mkdir -p "$keep/$1"
        b=$(basename "$(dirname "$f")")-$(basename "$f" .xml)
        cp "$f" "$keep/$1/$b.xml"; cp "$tmp/a.args" "$keep/$1/$b.$p.args" 2>/dev/null
    fi
}

: >"$tmp/res"
for p in $profiles; do
    while IFS='	' read -r src f; do
        run_one "$src" "$f" "$p"
    done <"$tmp/valid"
done

# ---- report ----------------------------------------------------------------
ncand=$(wc -l <"$tmp/cands") nvalid=$(wc -l <"$tmp/valid")
if [ -n "$check" ]; then
    grep -E 'crash|internal error' "$tmp/res" | cut -f2- | sed "s|$tmp/docs/||" >"$tmp/bad"
    tried=$(grep -cv '^refused' "$tmp/res")
    if [ -s "$tmp/bad" ]; then
        echo "FAIL from-native-gen: $(head -3 "$tmp/bad" | tr '\t\n' ' ;')"
    elif [ "$tried" -eq 0 ]; then
        echo "FAIL from-native-gen: no generated domain was converted (seeds $seeds, count $count)"
    else
        echo "PASS from-native-gen: seeds $seeds, $tried conversions read back, no crash, no invalid domain"
    fi
    exit 0
fi
echo "== qemu-argv from-native over generated domains (seeds $seeds, count $count; valid by $judge)"
echo "   domains: $ncand made, $nvalid valid ($(grep -c '^gold' "$tmp/valid") golden, $(grep -c '^gen' "$tmp/valid") generated devices, $(grep -c '^mut' "$tmp/valid") mutated goldens)"
for p in $profiles; do
    conv=$(awk -F'\t' -v p="$p" '$3 == p && $1 != "refused"' "$tmp/res" | wc -l)
    refused=$(awk -F'\t' -v p="$p" '$3 == p && $1 == "refused"' "$tmp/res" | wc -l)
    pass=$(awk -F'\t' -v p="$p" '$3 == p && $1 == "pass"' "$tmp/res" | wc -l)
    sameonly=$(awk -F'\t' -v p="$p" '$3 == p && $5 ~ /same devices, other command line/' "$tmp/res" | wc -l)
    read_ok=$(awk -F'\t' -v p="$p" '$3 == p && $1 != "refused" && $6 == 1' "$tmp/res" | wc -l)
    echo "-- profile $p: $conv converted by to-native, $refused refused by the emitter (set aside)"
    rate "   (a) read back to a valid domain ($p)" "$read_ok" "$conv"
    rate "   (b) fixpoint: same command line ($p)" "$pass" "$conv"
    rate "   (c) same devices and backends ($p)" $((pass + sameonly)) "$conv"
    for c in reader emitter invalid; do
        echo "   failures, $c: $(awk -F'\t' -v p="$p" -v c="$c" '$3 == p && $1 == c' "$tmp/res" | wc -l)"
    done
done
awk -F'\t' '$1 != "pass" && $1 != "refused" { print "  " toupper($1) " " $3 " " $2 " " $4 ": " $5 }' "$tmp/res" |
    sed "s|$tmp/docs/||; s|$top/||"
exit 0
