#!/bin/sh
# Warnings of the qemu-argv converters that golden cases cannot show (a
# golden case compares stdout only):
#  - to-native: a <qemu:arg> word that is no option nor an option's value
#    is a disk image to QEMU (-hda's); next to a disk on hda QEMU refuses
#    the command line ("drive with bus=0, unit=0 (index=0) exists");
#  - from-native: -vnc ...,password is read as an expired password, with a
#    warning that the password itself is not on the command line.
# One line per check: PASS/FAIL argv-warnings/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { if [ "$1" -eq 0 ]; then echo "PASS argv-warnings/$2"; else echo "FAIL argv-warnings/$2"; fi; }

# dom FILE ARGS...: a domain with a disk on hda and these <qemu:arg>s
dom() {
    out=$1
    shift
    {
        echo "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        echo "  <name>w</name><memory unit='MiB'>64</memory>"
        echo "  <os><type arch='x86_64' machine='pc'>hvm</type></os>"
        echo "  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
        echo "    <disk type='file' device='disk'><source file='/var/lib/w.img'/>"
        echo "      <target dev='hda' bus='ide'/></disk></devices>"
        echo "  <qemu:commandline>"
        for a in "$@"; do echo "    <qemu:arg value='$a'/>"; done
        echo "  </qemu:commandline>"
        echo "</domain>"
    } >"$out"
}

for profile in legacy qemu-7.2; do
    dom "$tmp/image.xml" ARGUMENT
    "$VIRTC" domxml-to-native qemu-argv --caps $profile "$tmp/image.xml" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    grep -q "image.xml:7:3: warning: qemu:arg 'ARGUMENT' is a disk image to QEMU .*QEMU refuses" \
        "$tmp/err"
    ok $(( rc != 0 || $? != 0 )) "image-word-next-to-hda-$profile"
    dom "$tmp/value.xml" -mem-path /srv/pages
    "$VIRTC" domxml-to-native qemu-argv --caps $profile "$tmp/value.xml" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    ! grep -q "QEMU refuses" "$tmp/err"
    ok $(( rc != 0 || $? != 0 )) "option-value-is-no-image-$profile"
done

printf '%s\n' "/usr/bin/qemu-system-x86_64 -m 64 -vnc 127.0.0.1:1,password -net none" >"$tmp/vnc.args"
"$VIRTC" domxml-from-native qemu-argv "$tmp/vnc.args" >"$tmp/vnc.xml" 2>"$tmp/err"
rc=$?
grep -q "vnc.args:1:52: warning: -vnc: the password is set over the monitor" "$tmp/err" &&
    grep -q "passwd='' passwdValidTo='1970-01-01T00:00:00'" "$tmp/vnc.xml"
ok $(( rc != 0 || $? != 0 )) "vnc-password-expired"
"$VIRTC" domxml-to-native qemu-argv --caps legacy "$tmp/vnc.xml" >"$tmp/vnc2.args" 2>/dev/null &&
    grep -q -- "-vnc 127.0.0.1:1,password" "$tmp/vnc2.args"
ok $? "vnc-password-again"
