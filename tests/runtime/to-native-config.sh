#!/bin/sh
# domxml-to-native qemu-argv reads qemu.conf only when told (--config FILE,
# else $VIRTC_QEMU_CONF), with the runtime's reader: the same result
# either way, the file's errors located in it, and nothing on stdout then.
# The goldens of qemu-7.2-conf show the keys' effect.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
unset VIRTC_QEMU_CONF
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS to-native-config/$2"; else echo "FAIL to-native-config/$2: $3"; fi; }
g=$top/tests/golden/qemu-7.2-conf
conv() { "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$@"; }

conv --config "$g/qemu.conf" "$g/display-listen.xml" >"$tmp/a" 2>"$tmp/err" &&
    VIRTC_QEMU_CONF=$g/qemu.conf conv "$g/display-listen.xml" >"$tmp/b" 2>>"$tmp/err" &&
    cmp -s "$tmp/a" "$tmp/b" && grep -q -- "-vnc 0.0.0.0:1" "$tmp/a"
ok $? env-same-as-option "$(head -c 300 "$tmp/err")"

conv "$g/display-listen.xml" >"$tmp/c" 2>"$tmp/err" && grep -q -- "-vnc 127.0.0.1:1" "$tmp/c" &&
    grep -q -- "addr=127.0.0.1" "$tmp/c"
ok $? no-file-libvirt-defaults "$(head -c 300 "$tmp/err")"

printf 'vnc_listen = "0.0.0.0"\nspice_listen = 5\n' >"$tmp/bad.conf"
conv --config "$tmp/bad.conf" "$g/display-listen.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "bad.conf:2:[0-9]*: error: " "$tmp/err"
ok $? bad-value-located "exit $rc: $(head -c 300 "$tmp/err")"

conv --config "$tmp/none.conf" "$g/display-listen.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && [ ! -s "$tmp/out" ] && grep -q "none.conf" "$tmp/err"
ok $? missing-file-refused "exit $rc: $(head -c 300 "$tmp/err")"
