#!/bin/sh
# -o FILE: the new file gets the umask's mode, a symbolic link's target is
# replaced (the link stays), a special file is written in place, and a
# failed conversion leaves the old file untouched.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS cli-output/$2"; else echo "FAIL cli-output/$2"; fi; }
cd "$tmp" || exit 1
demo=$top/examples/demo.xml

(umask 027 && "$VIRTC" format -o new.xml "$demo")
[ "$(stat -c %a new.xml)" = 640 ]; ok $? "new file mode follows the umask"
echo old >target.xml; chmod 604 target.xml; ln -s target.xml link.xml
"$VIRTC" format -o link.xml "$demo"
[ -L link.xml ] && grep -q "<name>demo</name>" target.xml && [ "$(stat -c %a target.xml)" = 604 ]
ok $? "a link's target is replaced, keeping its mode"
out=$("$VIRTC" format -o /dev/stdout "$demo" | head -n 1)
[ "$out" = "<domain type='qemu'>" ]; ok $? "a special file is written in place"
printf '<domain type="kvm">' >bad.xml
echo keep >kept.xml
"$VIRTC" format -o kept.xml bad.xml 2>/dev/null
[ $? -eq 1 ] && [ "$(cat kept.xml)" = keep ] && [ "$(ls | grep -c tmp)" = 0 ]
ok $? "a failed conversion leaves the old file and no temporary"
