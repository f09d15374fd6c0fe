#!/bin/sh
# A domain with many devices (more than schema.c's split threshold) gets the
# verdict and the located errors a small one gets: its <devices> is
# validated on its own (libxml2 validates it in quadratic time under the
# domain's interleave). Speed is measured by make bench (bench-scale.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS many-devices/$2"; else echo "FAIL many-devices/$2: $3"; fi; }
gen() { sh "$top/tests/gen-disks.sh" "$1"; }
gen 700 >"$tmp/ok.xml"
"$VIRTC" validate -q "$tmp/ok.xml" 2>"$tmp/err"
ok $? valid "$(head -c 200 "$tmp/err")"
"$VIRTC" format "$tmp/ok.xml" >"$tmp/f1.xml" 2>"$tmp/err" && "$VIRTC" format "$tmp/f1.xml" >"$tmp/f2.xml" &&
    cmp -s "$tmp/f1.xml" "$tmp/f2.xml" && [ "$(grep -c "<disk " "$tmp/f1.xml")" = 700 ]
ok $? format-keeps-every-disk "$(head -c 200 "$tmp/err")"

# A bad value in the 600th disk: located at its element, as in a small domain.
sed 's|<target dev="vdwb" bus="virtio"/>|<target dev="vdwb" bus="quantum"/>|' "$tmp/ok.xml" >"$tmp/bad.xml"
line=$(grep -n quantum "$tmp/bad.xml" | cut -d: -f1)
"$VIRTC" validate -q "$tmp/bad.xml" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "bad.xml:$line:[0-9]*: error: .*bus" "$tmp/err"
ok $? bad-device-located "$(head -c 200 "$tmp/err")"
gen 3 | sed 's|<target dev="vdb" bus="virtio"/>|<target dev="vdb" bus="quantum"/>|' >"$tmp/small.xml"
"$VIRTC" validate -q "$tmp/small.xml" 2>"$tmp/small.err"
[ "$(sed 's/^[^ ]* //' "$tmp/err")" = "$(sed 's/^[^ ]* //' "$tmp/small.err")" ]
ok $? same-words-as-a-small-domain "$(cat "$tmp/err" "$tmp/small.err")"

# What surrounds <devices> is still checked, and <devices> itself too.
sed 's|<name>many</name>|<name>many</name><name>twice</name>|' "$tmp/ok.xml" >"$tmp/name.xml"
"$VIRTC" validate -q "$tmp/name.xml" 2>/dev/null
[ $? -eq 1 ]; ok $? outside-devices-checked ""
sed 's|</devices>|<frobnicator/></devices>|' "$tmp/ok.xml" >"$tmp/frob.xml"
"$VIRTC" validate -q "$tmp/frob.xml" 2>/dev/null
[ $? -eq 1 ]; ok $? unknown-device-refused ""

# The many-devices schema lets members of <devices>'s interleave repeat;
# the ones the format allows once are counted (schema_devices_repeat).
sed 's|</devices>|<watchdog model="i6300esb"/><emulator>/usr/bin/qemu-system-x86_64</emulator><memballoon model="virtio"/></devices>|' \
    "$tmp/ok.xml" >"$tmp/once.xml"
"$VIRTC" validate -q "$tmp/once.xml" 2>"$tmp/err"
[ $? -eq 0 ]; ok $? once-members-accepted "$(head -c 200 "$tmp/err")"
sed 's|</devices>|<watchdog model="i6300esb"/><watchdog model="ib700"/></devices>|' \
    "$tmp/ok.xml" >"$tmp/twice.xml"
"$VIRTC" validate -q "$tmp/twice.xml" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "twice.xml:[0-9]*:[0-9]*: error: .*watchdog" "$tmp/err"
ok $? twice-watchdog-refused "$(head -c 200 "$tmp/err")"
