#!/bin/sh
# One line per diagnostic, once (issue 11): an overlong UTF-8 sequence,
# an entity loop and a stylesheet that does not load each give exactly one
# located line; and UTF-16 documents (either byte order, with the byte order
# mark XML asks for) are read like UTF-8 ones.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
ok() { if [ "$1" -eq 0 ]; then echo "PASS diagnostics/$2"; else echo "FAIL diagnostics/$2: $3"; fi; }
lines() { wc -l <"$1" | tr -d ' '; }
cd "$tmp" || exit 1

printf '<domain type="qemu"><name>\300\257</name></domain>\n' >overlong.xml
"$VIRTC" format overlong.xml >out 2>err
[ $? -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q "^overlong.xml:1:[0-9]*: error: .*UTF-8.*Bytes: 0xC0 0xAF" err
ok $? overlong-utf8-one-line "$(cat err)"

cat >loop.xml <<'XML'
<!DOCTYPE domain [
<!ENTITY a "&b;">
<!ENTITY b "&a;">
]>
<domain type='qemu'><name>&a;</name></domain>
XML
"$VIRTC" format loop.xml >out 2>err
[ $? -eq 1 ] && [ "$(lines err)" = 1 ] && grep -q "^loop.xml:[0-9]*:[0-9]*: error: .*entity reference loop" err
ok $? entity-loop-once "$(cat err)"

mkdir xsl
echo "<xsl:stylesheet" >xsl/junit.xsl
VIRTC_XSL_DIR=$tmp/xsl "$VIRTC" validate -q --format junit "$top/examples/demo.xml" >out 2>err
[ $? -eq 3 ] && [ "$(lines err)" = 1 ] && grep -q "junit.xsl: error: cannot load the JUnit stylesheet" err
ok $? bad-stylesheet-one-line "$(cat err)"
VIRTC_XSL_DIR=$tmp/none "$VIRTC" validate -q --format junit "$top/examples/demo.xml" >out 2>err
[ $? -eq 3 ] && [ "$(lines err)" = 1 ]
ok $? missing-stylesheet-one-line "$(cat err)"

"$VIRTC" format "$top/examples/demo.xml" >utf8.out 2>/dev/null
iconv -f UTF-8 -t UTF-16 "$top/examples/demo.xml" >le.xml          # BOM, host order
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$top/examples/demo.xml"; } >be.xml
for f in le be; do
    "$VIRTC" validate -q "$f.xml" 2>err && "$VIRTC" format "$f.xml" >"$f.out" 2>>err &&
        cmp -s utf8.out "$f.out"
    ok $? "utf16-$f" "$(head -c 200 err)"
done
"$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env be.xml >be.args 2>/dev/null &&
    "$VIRTC" domxml-to-native qemu-argv --caps qemu-7.2 --test-env "$top/examples/demo.xml" >utf8.args 2>/dev/null &&
    cmp -s be.args utf8.args
ok $? utf16-to-native ""
