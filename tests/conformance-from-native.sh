#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# domxml-from-native qemu-argv, four measures (issue 9):
#  1. the seed's example against its expected document, both through
#     `virtc format`, <name> and <uuid> blanked;
#  2. libvirt-old/qemuargv2xml pairs, compared the same way with the lines
#     libvirt's own test blanked; each failing pair is classed "version"
#     when it agrees once what differs between libvirt releases is set
#     aside (implicit controllers, inputs and balloon, addresses, the
#     emulator's name, layout attributes, where <auth> sits, and what only
#     the expected side has of a later libvirt's implicit devices and
#     defaults: implicit_only), "kept" when the rest comes from an option
#     the reader kept as <qemu:commandline> on purpose (libvirt took that
#     setting from qemu.conf), "default" when the only difference is QEMU's
#     default NIC (no -net/-netdev/-nic, no -nodefaults), which the reader
#     names and libvirt's old converter did not (without_default_nic checks
#     it is exactly that NIC), "input" when the line, read as a shell
#     reads it, does not start QEMU, "defect" otherwise;
#  3. round trip of libvirt 9.0's command lines: from-native gives a valid
#     domain whose to-native (qemu-7.2) has the same multisets of devices
#     and backends (tests/argv-compare.sh) as the case's own .xml's, over
#     the cases to-native supports;
#  4. fixpoint: to-native -> from-native -> to-native gives the first
#     command line again, for the legacy and qemu-7.2 profiles, over the
#     golden domains and the corpus; a case whose first command line QEMU
#     refuses because of the domain's own <qemu:commandline> is counted
#     apart ("INPUT", not_qemu_input).
# FROM_NATIVE_MEASURES="1 3" runs only those. A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
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
    # <auth> sat in <disk> before libvirt 3.9 and in <source> after: one place
    /^ *<auth / || /^ *<\/auth>$/ { sub(/^ */, ""); auth = auth $0 "\n"; next }
    /^ *<\/disk>$/ && auth != "" { printf "%s", auth; auth = "" }
    /<driver name=.qemu. type=.raw.\/>/ || /<model name=.isa-serial.\/>/ { next }
    /<target type=.isa-serial. port=/ { sub(/ type=.isa-serial./, ""); sub(/>$/, "/>") }
    /^ *<\/target>$/ { next }
    {
        gsub(/ placement=.static./, ""); gsub(/ unit=.KiB./, ""); gsub(/ autoport=.no./, "")
        gsub(/ (vram|heads|primary)=.[^ >]*./, "")
        print
    }'
}

# implicit_only A B: B (the expected side, through loose) without what a
# later libvirt adds by itself and A (virtc's reading) does not say:
# platform devices (s390/pseries panic, the SCSI controller a SCSI disk
# implies, pseries' USB keyboard and mouse), the default raw format, a
# machine name where the command line named none (the emulator's default:
# libvirt's test capabilities called it pc-0.11), and <pae/>, which old
# libvirt derived from the i686 CPU model.
implicit_only() {
    grep -Eq "<type arch='[^']*'>" "$1" && nomachine=1 || nomachine=0
    awk -v nomachine=$nomachine 'NR == FNR { have[$0] = 1; next }
    function implicit(l) {
        return l ~ /<panic model=.(s390|pseries)./ || l ~ /<input type=.(keyboard|mouse). bus=.usb./ ||
               l ~ /<driver name=.qemu. type=.raw.\/>/ || l ~ /^ *<pae\/>$/
    }
    skip { if (index($0, "</controller>")) skip = 0; next }
    /<controller type=.scsi. index=.0./ && !have[$0] { if ($0 !~ /\/>$/) skip = 1; next }
    implicit($0) && !have[$0] { next }
    nomachine && /<type arch=/ { sub(/ machine=\047[^\047]*\047/, "") }
    { print }' "$1" "$2" | awk '
    # a <features> left empty by the above
    /^ *<features>$/ { held = $0; next }
    held != "" && /^ *<\/features>$/ { held = ""; next }
    held != "" { print held; held = "" }
    { print }'
}

# without_default_nic A: A (virtc's reading, through loose) without QEMU's
# default NIC, when A has it exactly: one <interface type='user'> holding
# only QEMU's first MAC address and a machine's default model (e1000,
# e1000e, ne2k_isa) and nothing else. libvirt's old converter never
# modelled that NIC; the reader makes it explicit (it is what QEMU runs).
without_default_nic() {
    awk '/^ *<interface type=.user.>$/ { held = $0 "\n"; n = 0; next }
    held != "" && /^ *<\/interface>$/ {
        if (n != 2 || !mac || !model) printf "%s%s\n", held, $0
        held = ""; mac = model = 0; next
    }
    held != "" {
        held = held $0 "\n"; n++
        if ($0 ~ /^ *<mac address=.52:54:00:12:34:56.\/>$/) mac = 1
        if ($0 ~ /^ *<model type=.(e1000|e1000e|ne2k_isa).\/>$/) model = 1
        next
    }
    { print }' "$1"
}

echo "== qemu-argv from-native ($corpus)"
measures=" ${FROM_NATIVE_MEASURES:-1 2 3 4} "
want() { case $measures in *" $1 "*) return 0 ;; esac; return 1; }

# 1. the seed
if want 1; then
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
fi

# 2. libvirt-old/qemuargv2xml: stems with both files, either naming scheme
if want 2; then
old=$corpus/libvirt-old/qemuargv2xml
pass=0 total=0 version=0 defect=0 kept=0 input=0 default=0
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
            if grep -q 'names no architecture' "$tmp/err"; then
                # read as a shell reads it, the line does not start QEMU (an
                # unquoted value in an environment word ends the word)
                input=$((input + 1))
                echo "  input   $s: $(grep -m1 'names no architecture' "$tmp/err" | sed 's|^[^ ]*: warning: ||'); then $(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')" >>"$tmp/report2"
                continue
            fi
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
        loose "$tmp/a" >"$tmp/a3"; loose "$tmp/b" >"$tmp/b4"
        implicit_only "$tmp/a3" "$tmp/b4" >"$tmp/b3"
        if cmp -s "$tmp/a3" "$tmp/b3"; then
            version=$((version + 1))
            echo "  version $s: $(diff "$tmp/b2" "$tmp/a2" | grep '^[<>]' | head -3 | tr -s ' ' | tr '\n' ' ')" >>"$tmp/report2"
        elif ! grep -Eq '(^|[[:space:]])-(net|netdev|nic|nodefaults)([[:space:]]|$)' "$tmp/in.args" &&
            without_default_nic "$tmp/a3" >"$tmp/a4" && ! cmp -s "$tmp/a3" "$tmp/a4" &&
            cmp -s "$tmp/a4" "$tmp/b3"; then
            # the only difference is QEMU's default NIC, which the script
            # gets (no -net/-netdev/-nic, no -nodefaults) and the reader
            # names: a QEMU default made explicit, not a misreading
            default=$((default + 1))
            echo "  default $s: QEMU's default NIC made explicit ($(grep -m1 '<model type=' "$tmp/a3" | tr -s ' '))" >>"$tmp/report2"
        elif grep -q 'kept as <qemu:commandline>' "$tmp/err"; then
            # the reader kept an option (or a property) as pass-through, where
            # libvirt took the setting from qemu.conf (vnc_sasl, gluster's
            # debug level) and left it out of the domain: not a misreading
            kept=$((kept + 1))
            echo "  kept    $s: $(grep -m1 'kept as <qemu:commandline>' "$tmp/err" | sed 's|^[^ ]*: warning: ||')" >>"$tmp/report2"
        else
            defect=$((defect + 1))
            echo "  defect  $s: $(diff "$tmp/b3" "$tmp/a3" | grep '^[<>]' | head -4 | tr -s ' ' | tr '\n' ' ')" >>"$tmp/report2"
        fi
    done <"$tmp/stems"
fi
rate "2. qemuargv2xml pairs agree" $pass $total
rate "   differ by a version artifact only" $version $total
rate "   differ by QEMU's default NIC made explicit" $default $total
rate "   differ by pass-through kept on purpose" $kept $total
rate "   input is not a QEMU command line" $input $total
rate "   differ by a defect" $defect $total
cat "$tmp/report2"
fi

# 3. libvirt 9.0 command lines, round trip through today's forms. Two
# rates: as they come, and with what the reader kept as <qemu:commandline>
# set aside (the emitter writes it back although it cannot write it from
# the case's own .xml: that is the emitter's coverage, not the reading).

# passthrough_line XML: the <qemu:arg> values of a domain as one shell line.
passthrough_line() {
    grep -o "<qemu:arg value='[^']*'/>" "$1" |
        sed -e "s/^<qemu:arg value='//" -e "s|'/>\$||" -e "s/&apos;/'/g" -e 's/&quot;/"/g' \
            -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' -e "s/'/'\\\\''/g" \
            -e "s/^/'/" -e "s/\$/'/" | tr '\n' ' '
    echo
}

data=$corpus/libvirt-9.0/qemuxml2argvdata
if want 3; then
valid=0 supported=0 agree=0 agree_pt=0 total=0
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
        agree=$((agree + 1)) agree_pt=$((agree_pt + 1))
        continue
    fi
    passthrough_line "$tmp/dom.xml" >"$tmp/pt.args"
    sh "$cmp_sh" --list "$tmp/want" >"$tmp/want.l"
    sh "$cmp_sh" --list "$tmp/got" >"$tmp/got.l"
    sh "$cmp_sh" --list "$tmp/pt.args" >"$tmp/pt.l"
    LC_ALL=C comm -23 "$tmp/got.l" "$tmp/pt.l" >"$tmp/got2.l"
    if cmp -s "$tmp/want.l" "$tmp/got2.l"; then
        agree_pt=$((agree_pt + 1))
        echo "  KEPT $name: $(tr '\n' ';' <"$tmp/diff" | sed 's/;$//; s/;/; /g')" >>"$tmp/report3"
    else
        { LC_ALL=C comm -23 "$tmp/want.l" "$tmp/got2.l" | sed 's/^/missing /'
          LC_ALL=C comm -13 "$tmp/want.l" "$tmp/got2.l" | sed 's/^/extra /'; } >"$tmp/diff2"
        echo "  DIFF $name: $(tr '\n' ';' <"$tmp/diff2" | sed 's/;$//; s/;/; /g')" >>"$tmp/report3"
    fi
done
rate "3. libvirt 9.0 args read to a valid domain" $valid $total
rate "   round trip agrees (of to-native's cases)" $agree $supported
rate "   ... pass-through set aside" $agree_pt $supported
grep -v '^  KEPT' "$tmp/report3"
grep -c '^  KEPT' "$tmp/report3" | sed 's/^/  (KEPT: agree once pass-through is set aside: /; s/$/ cases)/'
fi

# not_qemu_input XML FIRST_WARNINGS READ_ERROR: the first conversion is not
# a command line QEMU runs, by the domain's own <qemu:commandline>: an
# option QEMU does not have, or a disk image word next to a disk on hda
# (to-native warns "QEMU refuses this command line"). The reader rightly
# refuses or differs; the case is counted apart, with its reason.
not_qemu_input() {
    grep -q 'QEMU refuses this command line' "$2" && {
        grep -m1 'QEMU refuses' "$2" | sed 's|^[^ ]*: warning: ||'; return 0; }
    opt=$(sed -n "s|^.*unknown QEMU option '\(-[^']*\)'.*\$|\1|p" "$3" | head -1)
    [ -n "$opt" ] && grep -q ":arg value='$opt'/>" "$1" && {
        echo "the domain's <qemu:commandline> passes $opt, which QEMU does not have"; return 0; }
    return 1
}

# 4. fixpoint over the golden domains and the corpus; a failure is
# classed as the generated-domain measure classes it (emitter_why,
# invalid_why): "BY-DESIGN" with the reason when it is not the reader's,
# "FAIL" otherwise.
. "$top/tests/helpers/from-native-why.sh"
want 4 &&
for profile in legacy qemu-7.2; do
    pass=0 total=0 input=0 design=0
    : >"$tmp/report4"
    for xml in "$top"/tests/golden/qemu-*/*.xml "$corpus"/seeds/*.xml "$data"/*.xml; do
        [ -f "$xml" ] || continue
        "$VIRTC" domxml-to-native qemu-argv --caps "$profile" --test-env "$xml" >"$tmp/a.args" 2>"$tmp/w1" ||
            continue
        total=$((total + 1))
        if "$VIRTC" domxml-from-native qemu-argv "$tmp/a.args" >"$tmp/x.xml" 2>"$tmp/err" &&
            "$VIRTC" domxml-to-native qemu-argv --caps "$profile" --test-env "$tmp/x.xml" >"$tmp/b.args" 2>>"$tmp/err" &&
            cmp -s "$tmp/a.args" "$tmp/b.args"; then
            pass=$((pass + 1))
        elif why=$(not_qemu_input "$xml" "$tmp/w1" "$tmp/err"); then
            input=$((input + 1))
            echo "  INPUT $profile $(basename "$xml"): input not a QEMU command line: $why" >>"$tmp/report4"
        else
            why=$(grep -m1 'error:' "$tmp/err" | sed 's|^[^ ]*: error: ||')
            [ -n "$why" ] || why=$(tr ' ' '\n' <"$tmp/a.args" >"$tmp/a.w"; tr ' ' '\n' <"$tmp/b.args" >"$tmp/b.w"
                                   diff "$tmp/a.w" "$tmp/b.w" | grep '^[<>]' | head -4 | tr '\n' ' ')
            { cat "$tmp/w1" "$tmp/err"; echo "$why"; } >"$tmp/ctx"
            if grep -q 'internal error' "$tmp/err"; then
                echo "  FAIL $profile $(basename "$xml"): $why" >>"$tmp/report4"
            elif design_why=$(emitter_why "$tmp/ctx" || invalid_why "$tmp/ctx"); then
                design=$((design + 1))
                echo "  BY-DESIGN $profile $(basename "$xml"): $design_why: $why" >>"$tmp/report4"
            else
                echo "  FAIL $profile $(basename "$xml"): $why" >>"$tmp/report4"
            fi
        fi
    done
    rate "4. fixpoint to->from->to ($profile)" $pass $total
    rate "   ... inputs QEMU refuses set aside" $pass $((total - input))
    rate "   ... and by-design differences set aside" $pass $((total - input - design))
    cat "$tmp/report4"
done
exit 0
