#!/bin/sh
# -o onto a symbolic link writes through it, as a shell redirection does:
# a dangling link creates the file it names (the link stays a link), a
# relative link is read from the link's directory, a chain is followed, and
# a loop is an error that writes nothing.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=$top/tools/virtc
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS output-links/$2"; else echo "FAIL output-links/$2"; fi; }
cd "$tmp" || exit 1
demo=$top/examples/demo.xml
export VIRTC_SCHEMA_DIR="$top/schemas"

ln -s made.xml dangling.xml
"$VIRTC" format -o dangling.xml "$demo"
[ -L dangling.xml ] && grep -q "<name>demo</name>" made.xml
ok $? "a dangling link creates its target"

mkdir sub out
ln -s ../out/rel.xml sub/link.xml
"$VIRTC" format -o sub/link.xml "$demo"
[ -L sub/link.xml ] && grep -q "<name>demo</name>" out/rel.xml
ok $? "a relative link is read from its own directory"

ln -s dangling.xml chain.xml
rm made.xml
"$VIRTC" format -o chain.xml "$demo"
[ -L chain.xml ] && [ -L dangling.xml ] && grep -q "<name>demo</name>" made.xml
ok $? "a chain of links is followed"

ln -s loop-b.xml loop-a.xml; ln -s loop-a.xml loop-b.xml
"$VIRTC" format -o loop-a.xml "$demo" 2>err
[ $? -eq 3 ] && [ -L loop-a.xml ] && grep -q "writing loop-a.xml" err
ok $? "a loop of links is an error"
