#!/bin/sh
# make check: tests/libvirt-parse.py, the second oracle of
# tests/schema-diff.sh (libvirt 9.0's own parser, from libvirt0), gives
# each file its verdict and libvirt's message: a node device whose PCIe
# link speed its schema takes and its parser does not ('0_75'), one with
# the speeds it names, a volume without its capacity. Needs libvirt0 9.0
# (tools/install-deps.sh); with another libvirt it must refuse to run
# (exit 2) rather than call functions whose signatures may differ.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../helpers/scratch.sh"
parse="python3 $top/tests/libvirt-parse.py"
bad=$top/tests/golden/validate-explain/nodedev-link-speed.xml
good=$top/tests/golden/validate/valid/nodedev-pcie-link-speeds.xml
printf '%s\n' "$bad" "$good" | $parse nodedev >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "not 9.0" "$tmp/err"; then
    echo "PASS libvirt-parse/other-version-refused"
    exit 0
fi
printf '%s\trefused\t%s\n%s\tok\n' "$bad" \
    "XML error: Invalid value for attribute 'speed' in element 'link': '0_75'." \
    "$good" >"$tmp/want"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
    echo "PASS libvirt-parse/nodedev-link-speed"
else
    echo "FAIL libvirt-parse/nodedev-link-speed: exit $rc: $(tr '\t\n' ' ;' <"$tmp/out") $(head -n 1 "$tmp/err")"
fi
printf '<volume><name>v</name><target><path>/p/v</path></target></volume>\n' >"$tmp/vol.xml"
echo "$tmp/vol.xml" | $parse storagevol >"$tmp/out" 2>"$tmp/err"
if grep -q "	refused	XML error: missing capacity element" "$tmp/out"; then
    echo "PASS libvirt-parse/volume-without-capacity"
else
    echo "FAIL libvirt-parse/volume-without-capacity: $(cat "$tmp/out" "$tmp/err")"
fi
echo "$tmp/vol.xml" | $parse frobnicator >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "no parser for frobnicator" "$tmp/err"; then
    echo "PASS libvirt-parse/unknown-kind"
else
    echo "FAIL libvirt-parse/unknown-kind: $(head -n 1 "$tmp/err")"
fi
