#!/bin/sh
# `virtc validate` as a CI linter: what the golden runner's one-file cases
# cannot show -- several files and directories in one run, the options, the
# three output formats, -j, exit codes, and bad inputs that are made at run
# time (a 50 MB file, dangling links, FIFOs).
#
# Unreadable files: tests may run as root, for whom chmod 000 hides nothing,
# so "unreadable" is shown with what fails for every user: a dangling
# symbolic link "*.xml" and a FIFO "*.xml" (refused unopened, since opening
# it would block). A chmod 000 file is checked too when not running as root.
#
# Prints "PASS validate-cli/NAME" or "FAIL validate-cli/NAME: why" per check.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
G=$top/tests/golden/validate-cli
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_XSL_DIR="${VIRTC_XSL_DIR:-$top/tools}"
. "$(dirname "$0")/../helpers/scratch.sh"

pass() { echo "PASS validate-cli/$1"; }
fail() { echo "FAIL validate-cli/$1: $2"; }

# run ARGS...: runs virtc from the golden folder; sets rc, $tmp/out, $tmp/err
run() {
    (cd "$G" && "$VIRTC" validate "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}
# run_in DIR ARGS...
run_in() {
    d=$1; shift
    (cd "$d" && "$VIRTC" validate "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
}

# check NAME WANT_RC [grep-pattern-in-stderr]
check() {
    if [ "$rc" -ne "$2" ]; then
        fail "$1" "exit $rc, want $2: $(head -c 300 "$tmp/err")"; return
    fi
    if [ -n "$3" ] && ! grep -q -- "$3" "$tmp/err"; then
        fail "$1" "stderr lacks '$3': $(head -c 300 "$tmp/err")"; return
    fi
    pass "$1"
}

# same NAME FILE EXPECTED
same() {
    if cmp -s "$2" "$3"; then pass "$1"
    else fail "$1" "differs from $(basename "$3"): $(diff "$3" "$2" | head -n 10)"; fi
}

# ---- the whole golden folder in one run: every format, -j 1 and -j 2 ----

for j in 1 2 3; do
    run -j "$j" .
    cp "$tmp/err" "$tmp/gcc.$j"
    if [ -s "$tmp/out" ]; then fail "gcc-j$j-stdout" "wrote to stdout"; else pass "gcc-j$j-stdout"; fi
    check "gcc-j$j-exit" 1
    same "gcc-j$j" "$tmp/err" "$G/all.expect.gcc"

    run -j "$j" --format github .
    check "github-j$j-exit" 1
    same "github-j$j" "$tmp/out" "$G/all.expect.github"
    same "github-j$j-stderr" "$tmp/err" "$G/all.expect.summary"

    run -j "$j" --format junit .
    check "junit-j$j-exit" 1
    same "junit-j$j" "$tmp/out" "$G/all.expect.junit"
    same "junit-j$j-stderr" "$tmp/err" "$G/all.expect.gcc"

    run -j "$j" --format sarif .
    check "sarif-j$j-exit" 1
    same "sarif-j$j" "$tmp/out" "$G/all.expect.sarif"
    same "sarif-j$j-stderr" "$tmp/err" "$G/all.expect.gcc"
done
if command -v xmllint >/dev/null 2>&1; then
    run --format junit -q .
    if xmllint --noout "$tmp/out" 2>"$tmp/lint"; then pass junit-well-formed
    else fail junit-well-formed "$(head -c 300 "$tmp/lint")"; fi
fi

# ---- sarif: names become URI references, a schema that does not load ----

mkdir -p "$tmp/sarif"
cp "$G/bad-schema.xml" "$tmp/sarif/a b%#.xml"
run_in "$tmp/sarif" --format sarif -q .
if [ "$rc" -eq 1 ] && grep -q '"uri": "a%20b%25%23.xml"' "$tmp/out"; then pass sarif-uri-escaped
else fail sarif-uri-escaped "$(grep uri "$tmp/out")"; fi
cp "$G/kind-network.xml" "$tmp/sarif/net.xml"
rm "$tmp/sarif/a b%#.xml"
(cd "$tmp/sarif" && VIRTC_SCHEMA_DIR=/nonexistent "$VIRTC" validate --format sarif -q net.xml) \
    >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" -eq 3 ] && grep -q '"ruleId": "virtc/not-checked"' "$tmp/out"; then pass sarif-not-checked
else fail sarif-not-checked "exit $rc: $(head -c 300 "$tmp/out")"; fi
run_in "$tmp/sarif" --format sarif -q net.xml
if [ "$rc" -eq 0 ] && grep -q '"results": \[' "$tmp/out" && ! grep -q ruleId "$tmp/out"; then
    pass sarif-valid-no-results
else fail sarif-valid-no-results "exit $rc"; fi

# ---- options ----

run -q kind-network.xml
check quiet 0
if [ -s "$tmp/err" ]; then fail quiet-no-summary "stderr: $(head -c 200 "$tmp/err")"; else pass quiet-no-summary; fi

run kind-network.xml kind-secret.xml
check summary 0 '^2 files checked, 0 failed$'

run --type network kind-network.xml
check type-same 0
run --type=secret kind-network.xml
check type-other 1 '^kind-network.xml:1:1: error: '
run -t network bad-unknown-root.xml
check type-unknown-root 1 '^bad-unknown-root.xml:2:1: error: '

# virt-xml-validate's order: FILE KIND
run kind-network.xml network
check xml-validate-order 0 '^1 files checked, 0 failed$'
run kind-network.xml secret
check xml-validate-order-wrong-kind 1 '^kind-network.xml:1:1: error: '
# ... but an existing path named like a kind is a path
mkdir "$tmp/order"
cp "$G/kind-network.xml" "$tmp/order/a.xml"
cp "$G/kind-secret.xml" "$tmp/order/network"
run_in "$tmp/order" a.xml network
check xml-validate-order-path 0 '^2 files checked, 0 failed$'

# ---- usage errors: exit 2, nothing on stdout ----

usage() {
    name=$1; shift
    run "$@"
    if [ -s "$tmp/out" ]; then fail "$name" "wrote to stdout"; return; fi
    check "$name" 2 "$usage_want"
}
usage_want="unknown option"; usage usage-unknown-option --bogus kind-network.xml
usage_want="unknown kind 'vm'"; usage usage-unknown-type --type vm kind-network.xml
usage_want="no paths"; usage usage-no-paths
usage_want="no paths"; usage usage-no-paths-with-options -j 2 -q
usage_want="positive"; usage usage-jobs-zero -j 0 kind-network.xml
usage_want="positive"; usage usage-jobs-word -j two kind-network.xml
usage_want="unknown format 'xml'"; usage usage-unknown-format --format xml kind-network.xml
usage_want="needs a value"; usage usage-missing-value kind-network.xml --type

run --help
if [ "$rc" -eq 0 ] && grep -q '^usage: virtc validate' "$tmp/out"; then pass help
else fail help "exit $rc"; fi

# ---- a schema that cannot be loaded: exit 3 ----

mkdir "$tmp/noschemas"
VIRTC_SCHEMA_DIR=$tmp/noschemas run kind-network.xml kind-secret.xml
check schema-missing 3 '^kind-network.xml:1:1: error: not checked: the network schema cannot be loaded$'
VIRTC_SCHEMA_DIR=$tmp/noschemas run --type network kind-network.xml
check schema-missing-type 3 'network.rng'
VIRTC_SCHEMA_DIR=$tmp/noschemas run --format junit -q kind-network.xml
check schema-missing-junit 3
if grep -q '<error type="schema"' "$tmp/out"; then pass schema-missing-junit-error
else fail schema-missing-junit-error "no <error> test case"; fi
# the schema's own errors are said once, not once per file
VIRTC_SCHEMA_DIR=$tmp/noschemas run kind-network.xml kind-network.xml
n=$(grep -c 'network.rng' "$tmp/err")
if [ "$n" -eq 1 ]; then pass schema-missing-once; else fail schema-missing-once "said $n times"; fi

mkdir "$tmp/noxsl"
VIRTC_XSL_DIR=$tmp/noxsl run --format junit kind-network.xml
if [ -s "$tmp/out" ]; then fail xsl-missing "wrote to stdout"; else check xsl-missing 3 'junit.xsl'; fi

# ---- standard input ----

(cd "$G" && "$VIRTC" validate - <kind-network.xml) >"$tmp/out" 2>"$tmp/err"
rc=$?
check stdin 0
(cd "$G" && "$VIRTC" validate - <bad-truncated.xml) >"$tmp/out" 2>"$tmp/err"
rc=$?
check stdin-bad 1 '^<stdin>:4:1: error: '

# ---- bad inputs made here; the run goes on after each ----

run "$tmp/nope.xml" kind-network.xml
check nonexistent 1 "^$tmp/nope.xml:1:1: error: cannot read: No such file or directory\$"
check nonexistent-goes-on 1 '^2 files checked, 1 failed$'

# 50 MB of nested elements: refused by size, unread, in bounded memory
python3 -c 'import sys; sys.stdout.write("<domain>" + "<a>" * (50 * 1024 * 1024 // 3))' \
    >"$tmp/huge.xml" 2>/dev/null ||
    awk 'BEGIN { printf "<domain>"; for (i = 0; i < 17476266; i++) printf "<a>" }' >"$tmp/huge.xml"
run "$tmp/huge.xml" kind-network.xml
check huge 1 "^$tmp/huge.xml:1:1: error: document too large"
check huge-goes-on 1 '^2 files checked, 1 failed$'
(cd "$G" && "$VIRTC" validate - <"$tmp/huge.xml") >"$tmp/out" 2>"$tmp/err"
rc=$?
check huge-stdin 1 '^<stdin>:1:1: error: document too large'
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$tmp/rss" "$VIRTC" validate -q - <"$tmp/huge.xml" 2>/dev/null
    rss=$(tail -n 1 "$tmp/rss")
    if [ "$rss" -lt 65536 ]; then pass huge-memory; else fail huge-memory "max RSS ${rss} kB"; fi
fi
# under the size cap but nested far past libxml2's depth bound
python3 -c 'import sys; sys.stdout.write("<domain>" + "<a>" * 1000000 + "</a>" * 1000000 + "</domain>")' \
    >"$tmp/deep.xml" 2>/dev/null ||
    awk 'BEGIN { printf "<domain>"; for (i = 0; i < 1000000; i++) printf "<a>"; for (i = 0; i < 1000000; i++) printf "</a>"; printf "</domain>" }' >"$tmp/deep.xml"
run -j 2 "$tmp/deep.xml" "$tmp/deep.xml" kind-network.xml
check deep 1 "^$tmp/deep.xml:1:[0-9]*: error: Excessive depth"
check deep-goes-on 1 '^3 files checked, 2 failed$'

# a tree: sorted walk, hidden entries and links to directories skipped,
# "*.xml" entries that cannot be read are failures, a directory named
# "*.xml" is walked
t=$tmp/tree
mkdir -p "$t/b" "$t/a" "$t/dir.xml" "$t/.git" "$t/empty"
cp "$G/kind-network.xml" "$t/b/z.xml"
cp "$G/kind-secret.xml" "$t/a/y.xml"
cp "$G/kind-storagepool.xml" "$t/dir.xml/pool.xml"
cp "$G/bad-schema.xml" "$t/.git/skipped.xml"
cp "$G/bad-schema.xml" "$t/.hidden.xml"
cp "$G/bad-schema.xml" "$t/notes.txt"
ln -s nowhere "$t/dangling.xml"
ln -s a "$t/link-to-dir"
mkfifo "$t/fifo.xml"
run_in "$tmp" -j 2 tree/
cat >"$tmp/want" <<EOF
tree/dangling.xml:1:1: error: cannot read: No such file or directory
tree/fifo.xml:1:1: error: cannot read: not a regular file
5 files checked, 2 failed
EOF
check tree 1
same tree-output "$tmp/err" "$tmp/want"
run_in "$tmp" --format junit -q tree
if grep -q 'name="tree/a/y.xml"' "$tmp/out" && ! grep -q 'skipped.xml\|hidden\|notes\|link-to-dir' "$tmp/out"
then pass tree-walk; else fail tree-walk "unexpected files: $(grep testcase "$tmp/out")"; fi
order=$(sed -n 's/.*<testcase name="\([^"]*\)".*/\1/p' "$tmp/out" | tr '\n' ' ')
if [ "$order" = "tree/a/y.xml tree/b/z.xml tree/dangling.xml tree/dir.xml/pool.xml tree/fifo.xml " ]
then pass tree-order; else fail tree-order "$order"; fi

run_in "$tmp" tree/empty
check empty-dir 1 'no \*.xml files found'

if [ "$(id -u)" -ne 0 ]; then
    cp "$G/kind-network.xml" "$t/b/locked.xml"
    chmod 000 "$t/b/locked.xml"
    run_in "$tmp" tree/b
    check unreadable-permission 1 'tree/b/locked.xml:1:1: error: cannot read: Permission denied'
    chmod 644 "$t/b/locked.xml"
fi
exit 0
