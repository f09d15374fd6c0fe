#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# xen-sxpr, both directions, compared by meaning, not bytes.
#
#  sexpr2xml  libvirt-old/sexpr2xml: NAME.sexpr -> domxml-from-native; the
#             result and NAME.xml both through `virtc format`.
#  xml2sexpr  libvirt-old/xml2sexpr: NAME.xml -> domxml-to-native; the result
#             and NAME.sexpr both as S-expression trees (build/tests/sexpr_canon:
#             quoting ignored, each list's keys sorted).
#  seeds      the Xen domain seeds and rhel5pv: XML -> sxpr -> XML gives the
#             canonical XML back.
#  round trip every .xml of libvirt-9.0 xmconfigdata/xlconfigdata: XML -> sxpr
#             -> XML gives the canonical XML back wherever sxpr can express
#             the domain (no "cannot express" warning on the way out).
#
# The pairs come from mixed libvirt releases (the corpus README), and the
# test programs that survived pass no XenD version, so each case's version
# is read from its files' layout, the way each XenD version wrote them
# (translators/xen/sxpr.h): HVM disks as 'ioemu:hdX' or an HVM cdrom inside
# the image = 1; 'hdX:disk' = 2; a paravirtual (device (vfb)) = 3;
# (rtc_timeoffset) in the image = 4; otherwise 4, the default.
# A pair that differs is then tried again with the decorations that changed
# between libvirt releases removed from both sides (listed in artifact_rules);
# if that makes it equal it is a version artifact, otherwise a defect, shown
# with its diff. A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=$top/tools/virtc
CANON=$top/build/tests/sexpr_canon
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
old=$corpus/libvirt-old
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate() { # rate NAME PASS TOTAL
    if [ "$3" -gt 0 ]; then
        awk -v n="$1" -v p="$2" -v t="$3" 'BEGIN { printf "%-34s %5d/%-5d %6.1f%%\n", n, p, t, p * 100 / t }'
    else
        printf '%-34s %5s\n' "$1" "n/a"
    fi
}

# The XenD version a file's layout shows (see above).
version_of() {
    flat=$(tr -d '\\\n' <"$1")
    case $flat in
    *"(dev 'ioemu:"* | *"(dev ioemu:"* | *"(hvm "*"(cdrom "*) echo 1 ;;
    *"(rtc_timeoffset"*) echo 4 ;;
    *":disk'"* | *":disk)"*) echo 2 ;;
    *"(vfb "*) case $flat in *"(linux "*) echo 3 ;; *) echo 4 ;; esac ;;
    *"(linux "*"(vnc 1)"*) echo 2 ;;
    *) echo 4 ;;
    esac
}

# Decorations libvirt's releases added or dropped for the same meaning; one
# sed expression a line: "name<TAB>expression".
artifact_rules() {
    cat <<'EOF'
backingStore	/<backingStore\/>/d
memballoon xen	/<memballoon model='xen'\/>/d
implied keyboard	/<input type='keyboard' bus='\(ps2\|xen\)'\/>/d
implied pv mouse	/<input type='mouse' bus='xen'\/>/d
vcpu placement	s/ placement='static'//
loader type	s/<loader type='rom'>/<loader>/
drive address	/<address type='drive' /d
ide controller	/<controller type='ide' index='0'\/>/d
vnc passwd hidden	s/ passwd='[^']*'//
hvm clock default	s/<clock offset='variable' adjustment='0' basis='utc'/<clock offset='utc' adjustment='reset'/
autoport of port -1	s/<graphics type='vnc' port='-1'>/<graphics type='vnc' port='-1' autoport='yes'>/
virtc kept keys	/<metadata>/,/<\/metadata>/d
clock adjustment reset	s/ adjustment='reset'//
domid	/^  (domid [0-9]*)$/d
top-level localtime	/^  (localtime 0)$/d
image localtime	/^      (localtime 0)$/d
image rtc_timeoffset	/^      (rtc_timeoffset 0)$/d
dashless uuid	s/^  (uuid \([0-9a-f]\{8\}\)-\?\([0-9a-f]\{4\}\)-\?\([0-9a-f]\{4\}\)-\?\([0-9a-f]\{4\}\)-\?\([0-9a-f]\{12\}\))$/  (uuid \1\2\3\4\5)/
EOF
}

# classify WANT GOT -> prints "artifact: rules" or "defect"
classify() {
    cp "$1" "$tmp/cw"
    cp "$2" "$tmp/cg"
    used=""
    tab=$(printf '\t')
    artifact_rules >"$tmp/rules"
    while IFS="$tab" read -r name expr; do
        sed "$expr" "$tmp/cw" >"$tmp/cw2"
        sed "$expr" "$tmp/cg" >"$tmp/cg2"
        if ! cmp -s "$tmp/cw" "$tmp/cw2" || ! cmp -s "$tmp/cg" "$tmp/cg2"; then
            used="$used${used:+, }$name"
        fi
        mv "$tmp/cw2" "$tmp/cw"
        mv "$tmp/cg2" "$tmp/cg"
    done <"$tmp/rules"
    # the canonical S-expression re-sorted after the deletions
    if cmp -s "$tmp/cw" "$tmp/cg"; then
        echo "version artifact ($used)"
    else
        echo "defect"
    fi
}

# judge CASE: $tmp/w (expected) against $tmp/g (ours), both normalised;
# counts exact / meaning, reports a defect with its diff.
judge() {
    if cmp -s "$tmp/w" "$tmp/g"; then
        exact=$((exact + 1)) meaning=$((meaning + 1))
        return
    fi
    why=$(classify "$tmp/w" "$tmp/g")
    case $why in
    version*) meaning=$((meaning + 1)) ;;
    *) { echo "  FAIL $1: $why"; diff "$tmp/cw" "$tmp/cg" | sed 's/^/      /' | head -n 12; } >>"$tmp/report" ;;
    esac
    echo "  $1: $why" >>"$tmp/artifacts"
}

echo "== xen-sxpr ($old)"
if [ ! -d "$old/sexpr2xml" ] || [ ! -x "$CANON" ]; then
    echo "xen-sxpr: no libvirt-old corpus or no $CANON; nothing to measure"
    exit 0
fi

# ---- sexpr2xml: read ---------------------------------------------------------
exact=0 meaning=0 total=0
: >"$tmp/report"
for s in "$old"/sexpr2xml/*.sexpr; do
    n=$(basename "${s%.sexpr}")
    x=${s%.sexpr}.xml
    [ -f "$x" ] || continue
    total=$((total + 1))
    v=$(version_of "$s")
    if ! "$VIRTC" domxml-from-native xen-sxpr --xend-version "$v" "$s" >"$tmp/got.xml" 2>"$tmp/err"; then
        echo "  FAIL $n (v$v): defect: $(grep error "$tmp/err" | head -n 1)" >>"$tmp/report"
        continue
    fi
    "$VIRTC" format "$tmp/got.xml" >"$tmp/g" 2>/dev/null
    "$VIRTC" format "$x" >"$tmp/w" 2>/dev/null
    judge "$n (v$v)"
done
rate "xen-sxpr from-native (same XML)" $exact $total
rate "xen-sxpr from-native (meaning)" $meaning $total
cat "$tmp/report"

# ---- xml2sexpr: write --------------------------------------------------------
exact=0 meaning=0 total=0
: >"$tmp/report"
for x in "$old"/xml2sexpr/*.xml; do
    n=$(basename "${x%.xml}")
    s=${x%.xml}.sexpr
    [ -f "$s" ] || continue
    total=$((total + 1))
    v=$(version_of "$s")
    if ! "$VIRTC" domxml-to-native xen-sxpr --xend-version "$v" "$x" >"$tmp/got.sxpr" 2>"$tmp/err"; then
        echo "  FAIL $n (v$v): defect: $(grep error "$tmp/err" | head -n 1)" >>"$tmp/report"
        continue
    fi
    "$CANON" "$tmp/got.sxpr" >"$tmp/g" 2>/dev/null
    "$CANON" "$s" >"$tmp/w" 2>/dev/null
    judge "$n (v$v)"
done
rate "xen-sxpr to-native (same tree)" $exact $total
rate "xen-sxpr to-native (meaning)" $meaning $total
cat "$tmp/report"
[ -n "$SXPR_VERBOSE" ] && [ -f "$tmp/artifacts" ] && grep 'version artifact' "$tmp/artifacts"

# ---- XML -> sxpr -> XML ------------------------------------------------------
# roundtrip LABEL FILES...: counts equal / not expressible / total
roundtrip() {
    label=$1
    shift
    pass=0 unsaid=0 total=0
    : >"$tmp/report"
    for x; do
        [ -f "$x" ] || continue
        n=$(basename "${x%.xml}")
        "$VIRTC" format "$x" >"$tmp/w" 2>/dev/null || continue   # not a valid domain
        total=$((total + 1))
        if ! "$VIRTC" domxml-to-native xen-sxpr "$x" >"$tmp/s" 2>"$tmp/err"; then
            echo "  FAIL $n: to-native: $(grep error "$tmp/err" | head -n 1)" >>"$tmp/report"
            continue
        fi
        if ! "$VIRTC" domxml-from-native xen-sxpr "$tmp/s" >"$tmp/g" 2>"$tmp/err2"; then
            echo "  FAIL $n: from-native: $(grep error "$tmp/err2" | head -n 1)" >>"$tmp/report"
            continue
        fi
        if cmp -s "$tmp/w" "$tmp/g"; then
            pass=$((pass + 1))
        elif grep -q 'cannot express' "$tmp/err"; then
            unsaid=$((unsaid + 1))
        else
            { echo "  FAIL $n: differs"; diff "$tmp/w" "$tmp/g" | sed 's/^/      /' | head -n 10; } >>"$tmp/report"
        fi
    done
    rate "$label" $pass $((total - unsaid))
    echo "  ($unsaid of $total not expressible in xen-sxpr: a warning names what)"
    cat "$tmp/report"
}

roundtrip "xen-sxpr seeds round trip" "$corpus"/seeds/xen-*.xml
roundtrip "xen-sxpr xm/xl round trip" "$corpus"/libvirt-9.0/xmconfigdata/*.xml \
    "$corpus"/libvirt-9.0/xlconfigdata/*.xml
exit 0
