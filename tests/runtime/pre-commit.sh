#!/bin/sh
# virtc as a pre-commit hook (.pre-commit-hooks.yaml): pre-commit itself
# (Debian's package) runs the hook from this checkout on a scratch
# repository; a valid domain passes, an invalid one fails the commit check
# with its located message, and a non-XML file is not handed to virtc.
top=$(cd "$(dirname "$0")/../.." && pwd)
ok() { if [ "$1" -eq 0 ]; then echo "PASS pre-commit/$2"; else echo "FAIL pre-commit/$2${3:+: $3}"; fi; }
if ! command -v pre-commit >/dev/null 2>&1; then
    echo "FAIL pre-commit/installed: pre-commit is not installed (tools/install-deps.sh)"
    exit 0
fi
. "$(dirname "$0")/../helpers/scratch.sh"
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" VIRTC="$top/tools/virtc"
export VIRTC_SCHEMA_DIR="$top/schemas"
mkdir -p "$HOME" && cd "$tmp" && mkdir repo && cd repo || exit 1
git init -q . && git config user.email t@example.invalid && git config user.name t
cp "$top/examples/demo.xml" vm.xml
echo "not xml" >notes.txt
git add vm.xml notes.txt

# try-repo runs the hooks of a repository (here: this checkout) without a
# config file; --files limits them to the named files.
pre-commit try-repo "$top" virtc-validate --files vm.xml notes.txt >"$tmp/out" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && grep -q 'virtc validate.*Passed' "$tmp/out"; echo $?)" "valid domain passes" \
    "exit $rc: $(tail -n 5 "$tmp/out")"

sed 's|<name>demo</name>|<name>demo</name><frobnicator/>|' "$top/examples/demo.xml" >bad.xml
git add bad.xml
pre-commit try-repo "$top" virtc-validate --files bad.xml >"$tmp/out" 2>&1
rc=$?
ok "$([ $rc -eq 1 ] && grep -q 'virtc validate.*Failed' "$tmp/out" &&
      grep -q '^bad.xml:[0-9]*:[0-9]*: error: ' "$tmp/out"; echo $?)" \
    "invalid domain fails with a located message" "exit $rc: $(tail -n 5 "$tmp/out")"
