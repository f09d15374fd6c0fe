#!/bin/sh
# domxml-to-native / domxml-from-native: what the two verbs share
# (tools/native_cli.c): format lookup, --output-dir (created like mkdir -p,
# extension per format), usage errors, unreadable inputs.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS cli-native/$2"; else echo "FAIL cli-native/$2"; fi; }
cd "$tmp" || exit 1
demo=$top/examples/demo.xml

"$VIRTC" domxml-to-native qemu-argv --caps legacy --output-dir o/a/b "$demo" 2>err
[ $? -eq 0 ] && [ -s o/a/b/demo.args ] && [ "$(stat -c %a o/a/b)" = 755 ] &&
    [ "$(stat -c %a o/a)" = 755 ] && ! grep -q error err
ok $? "--output-dir is created with its parents, mode 0755"

(umask 077 && "$VIRTC" domxml-to-native qemu-argv --caps legacy --output-dir masked "$demo" 2>/dev/null)
[ "$(stat -c %a masked)" = 700 ]; ok $? "--output-dir's mode is 0755 less the umask"

echo x >file
"$VIRTC" domxml-to-native qemu-argv --caps legacy --output-dir file/sub "$demo" 2>err
[ $? -eq 3 ] && grep -q "creating file" err && [ ! -e file/sub ]
ok $? "--output-dir under a regular file: I/O error, exit 3"

"$VIRTC" domxml-to-native 2>err >out
[ $? -eq 2 ] && grep -q "missing FORMAT (supported: qemu-argv" err && [ ! -s out ]
ok $? "to-native without FORMAT names the formats"

"$VIRTC" domxml-from-native nosuch x.args 2>err >out
[ $? -eq 2 ] && grep -q "unsupported format 'nosuch'" err && [ ! -s out ]
ok $? "from-native with an unknown format: usage error"

"$VIRTC" domxml-to-native qemu-argv --caps legacy --xend-version 0 "$demo" 2>err >out
[ $? -eq 2 ] && grep -q "positive number" err && [ ! -s out ]
ok $? "--xend-version takes a positive number"

"$VIRTC" domxml-to-native qemu-argv --test-env=1 "$demo" 2>err >out
[ $? -eq 2 ] && grep -q "takes no value" err
ok $? "a flag given a value is refused"

"$VIRTC" domxml-from-native qemu-argv --caps legacy x.args 2>err >out
[ $? -eq 2 ] && grep -q "unknown option '--caps'" err
ok $? "from-native refuses to-native's options"

"$VIRTC" domxml-from-native --help >out 2>err
[ $? -eq 0 ] && grep -q "usage: virtc domxml-from-native FORMAT" out
ok $? "from-native --help"

# qemu-argv from-native over many files: one NAME.xml each, as the golden
# cases expect; a bad one gets its located error and no file
g=$top/tests/golden/qemu-from-native
"$VIRTC" domxml-from-native qemu-argv --output-dir fn "$g/readme-web.args" "$g/legacy-net.args" \
    2>/dev/null && cmp -s fn/readme-web.xml "$g/readme-web.xml" && cmp -s fn/legacy-net.xml "$g/legacy-net.xml"
ok $? "from-native qemu-argv --output-dir: one NAME.xml per command line"
"$VIRTC" domxml-from-native qemu-argv --output-dir fnbad "$g/readme-web.args" "$g/bad-json.args" >out 2>err
[ $? -eq 1 ] && [ ! -s out ] && [ ! -e fnbad/bad-json.xml ] && grep -q "bad-json.args:2:44: error: " err
ok $? "from-native qemu-argv --output-dir: a bad command line gets a located error and no file"
