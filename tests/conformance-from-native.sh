#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# domxml-from-native qemu-argv, four measures (issue 9):
#  1. the seed's example against its expected document, both through
#     `virtc format`, <name> and <uuid> blanked;
#  2. libvirt-old/qemuargv2xml pairs, compared the same way with the lines
#     libvirt's own test blanked; each failing pair is classed "version"
#     when it agrees once what differs between libvirt releases is set
#     aside (implicit controllers, inputs and balloon, addresses, the
#     emulator's name, layout attributes), "defect" otherwise;
#  3. round trip of libvirt 9.0's command lines: from-native gives a valid
#     domain whose to-native (qemu-7.2) has the same multisets of devices
#     and backends (tests/argv-compare.sh) as the case's own .xml's, over
#     the cases to-native supports;
#  4. fixpoint: to-native -> from-native -> to-native gives the first
#     command line again, for the legacy and qemu-7.2 profiles, over the
#     golden domains and the corpus.
# A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=$top/tools/virtc
cmp_sh=$top/tests/argv-compare.sh
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
[ -d "$corpus" ] || { echo "from-native: no corpus at $corpus; nothing to measure"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate() { # rate NAME PASS TOTAL
    if [ "$3" -gt 0 ]; then
        awk -v n="$1" -v p="$2" -v t="$3" 'BEGIN { printf "%-44s %5d/%-5d %6.1f%%\n", n, p, t, p * 100 / t }'
    else
        printf '%-44s %5s\n' "$1" "n/a"
    fi
}

# canon IN OUT: the document through `virtc format` (a <name> is added
# when there is none, as the seed's has none; blanked below anyway).
canon() {
    sed "s|^<domain\\([^>]*\\)>\$|<domain\\1>\\n<name>x</name>|" "$1" | awk '
        /<name>/ { if (seen++) next } { print }' >"$tmp/canon-in.xml"
    "$VIRTC" format "$tmp/canon-in.xml" >"$2" 2>>"$tmp/canon-err"
}

# blank FILE: the lines libvirt's qemuargv2xml test blanked.
blank() {
    sed -E -e 's|<name>.*</name>||' -e 's|<uuid>.*</uuid>||' \
        -e 's|<memory[^>]*>[0-9]+</memory>||' -e 's|<currentMemory[^>]*>[0-9]+</currentMemory>||' \
        -e 's|<secret .*||' -e 's|<readonly/>||' -e 's|<shareable/>||' "$1" | grep -v '^ *$'
}

# loose FILE: also what differs between libvirt releases, not in meaning:
# the controllers, inputs, balloon, video and console later releases add by
# default, addresses, the emulator's name, layout attributes.
loose() {
    blank "$1" | awk '
    function dropped(l) {
        return l ~ /<controller type=.(usb|pci|ide|fdc). index=.0./ || l ~ /<memballoon / ||
               l ~ /<console / || l ~ /<video>/
    }
    skip { if (index($0, skipend)) skip = 0; next }
    dropped($0) {
        if ($0 ~ /\/>[ \t]*$/) next
        tag = $0; sub(/^[ \t]*</, "", tag); sub(/[ >].*/, "", tag)
        skipend = "</" tag ">"; skip = 1; next
    }
    /<input type=.(mouse|keyboard). bus=.ps2.\/>/ || /<address / || /<listen / || /<emulator>/ { next }
    /<driver name=.qemu. type=.raw.\/>/ { next }
    {
        gsub(/ placement=.static./, ""); gsub(/ unit=.KiB./, ""); gsub(/ autoport=.no./, "")
        gsub(/ (vram|heads|primary)=.[^ >]*./, "")
        print
    }'
}

echo "== qemu-argv from-native ($corpus)"

# 1. the seed
pass=0 total=0
for args in "$corpus"/seeds/qemu-from-native-*.args; do
    [ -f "$args" ] || continue
    total=$((total + 1))
    if "$VIRTC" domxml-from-native qemu-argv "$args" >"$tmp/got.xml" 2>"$tmp/err" &&
        canon "$tmp/got.xml" "$tmp/a" && canon "${args%.args}.xml" "$tmp/b" &&
        blank "$tmp/a" >"$tmp/a2" && blank "$tmp/b" >"$tmp/b2" && cmp -s "$tmp/a2" "$tmp/b2"; then
        pass=$((pass + 1))
    else
        echo "  FAIL seed $(basename "$args"): $(diff "$tmp/b2" "$tmp/a2" 2>/dev/null | head -5 | tr '\n' ' ')"
    fi
done
rate "1. seed example (format, name/uuid blanked)" $pass $total

# 2. libvirt-old/qemuargv2xml: stems with both files, either naming scheme
old=$corpus/libvirt-old/qemuargv2xml
pass=0 total=0 version=0 defect=0
: >"$tmp/report2"
if [ -d "$old" ]; then
    for f in "$old"/*.args; do
        s=$(basename "$f" .args); s=${s#qemuargv2xml-}; echo "$s"
    done | sort -u >"$tmp/stems"
    while read -r s; do
        args=$old/$s.args; [ -f "$args" ] || args=$old/qemuargv2xml-$s.args
        xml=$old/$s.xml; [ -f "$xml" ] || xml=$old/qemuargv2xml-$s.xml
        [ -f "$args" ] && [ -f "$xml" ] || continue
        total=$((total + 1))
        # libvirt's test loader dropped backslash-newline pairs before parsing
        sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$args" >"$tmp/in.args"
        if ! "$VIRTC" domxml-from-native qemu-argv "$tmp/in.args" >"$tmp/got.xml" 2>"$tmp/err"; then
            defect=$((defect + 1))
            echo "  defect  $s: $(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')" >>"$tmp/report2"
            continue
        fi
        if ! canon "$xml" "$tmp/b"; then
            version=$((version + 1))
            echo "  version $s: the expected document does not validate today" >>"$tmp/report2"
            continue
        fi
        canon "$tmp/got.xml" "$tmp/a"
        blank "$tmp/a" >"$tmp/a2"; blank "$tmp/b" >"$tmp/b2"
        if cmp -s "$tmp/a2" "$tmp/b2"; then
            pass=$((pass + 1))
            continue
        fi
        loose "$tmp/a" >"$tmp/a3"; loose "$tmp/b" >"$tmp/b3"
        if cmp -s "$tmp/a3" "$tmp/b3"; then
            version=$((version + 1))
            echo "  version $s: $(diff "$tmp/b2" "$tmp/a2" | grep '^[<>]' | head -3 | tr -s ' ' | tr '\n' ' ')" >>"$tmp/report2"
        else
            defect=$((defect + 1))
            echo "  defect  $s: $(diff "$tmp/b3" "$tmp/a3" | grep '^[<>]' | head -4 | tr -s ' ' | tr '\n' ' ')" >>"$tmp/report2"
        fi
    done <"$tmp/stems"
fi
rate "2. qemuargv2xml pairs agree" $pass $total
rate "   differ by a version artifact only" $version $total
rate "   differ by a defect" $defect $total
cat "$tmp/report2"

# 3. libvirt 9.0 command lines, round trip through today's forms
data=$corpus/libvirt-9.0/qemuxml2argvdata
valid=0 supported=0 agree=0 total=0
: >"$tmp/report3"
for args in "$data"/*.x86_64-latest.args; do
    [ -f "$args" ] || continue
    name=$(basename "$args" .x86_64-latest.args)
    total=$((total + 1))
    if ! "$VIRTC" domxml-from-native qemu-argv "$args" >"$tmp/dom.xml" 2>"$tmp/err"; then
        echo "  FAIL read $name: $(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')" >>"$tmp/report3"
        continue
    fi
    valid=$((valid + 1))
    xml=$data/$name.xml
    [ -f "$xml" ] && "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$xml" >"$tmp/want" 2>/dev/null ||
        continue
    supported=$((supported + 1))
    if ! "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 "$tmp/dom.xml" >"$tmp/got" 2>"$tmp/err"; then
        echo "  FAIL to-native $name: $(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')" >>"$tmp/report3"
        continue
    fi
    if sh "$cmp_sh" "$tmp/want" "$tmp/got" >"$tmp/diff"; then
        agree=$((agree + 1))
    else
        echo "  DIFF $name: $(tr '\n' ';' <"$tmp/diff" | sed 's/;$//; s/;/; /g')" >>"$tmp/report3"
    fi
done
rate "3. libvirt 9.0 args read to a valid domain" $valid $total
rate "   round trip agrees (of to-native's cases)" $agree $supported
cat "$tmp/report3"

# 4. fixpoint over the golden domains and the corpus
for profile in legacy qemu-7.2; do
    pass=0 total=0
    : >"$tmp/report4"
    for xml in "$top"/tests/golden/qemu-*/*.xml "$corpus"/seeds/*.xml "$data"/*.xml; do
        [ -f "$xml" ] || continue
        "$VIRTC" domxml-to-native qemu-argv --caps "$profile" --test-env "$xml" >"$tmp/a.args" 2>/dev/null ||
            continue
        total=$((total + 1))
        if "$VIRTC" domxml-from-native qemu-argv "$tmp/a.args" >"$tmp/x.xml" 2>"$tmp/err" &&
            "$VIRTC" domxml-to-native qemu-argv --caps "$profile" --test-env "$tmp/x.xml" >"$tmp/b.args" 2>>"$tmp/err" &&
            cmp -s "$tmp/a.args" "$tmp/b.args"; then
            pass=$((pass + 1))
        else
            why=$(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')
            [ -n "$why" ] || why=$(tr ' ' '\n' <"$tmp/a.args" >"$tmp/a.w"; tr ' ' '\n' <"$tmp/b.args" >"$tmp/b.w"
                                   diff "$tmp/a.w" "$tmp/b.w" | grep '^[<>]' | head -4 | tr '\n' ' ')
            echo "  FAIL $profile $(basename "$xml"): $why" >>"$tmp/report4"
        fi
    done
    rate "4. fixpoint to->from->to ($profile)" $pass $total
    cat "$tmp/report4"
done
exit 0
