#!/bin/sh
# Probes the real QEMU (/usr/bin/qemu-system-x86_64) through a wrapper that
# counts its starts, and checks the cache: written on the first probe, read
# on the second (no QEMU started), dropped when the binary's mtime changes or
# the file is corrupt; then `virtc capabilities` validates, and failures exit 3
# without leaking a QEMU. One line per check: PASS/FAIL/SKIP probe-qemu/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
QEMU=${QEMU:-/usr/bin/qemu-system-x86_64}
# Usage needs no QEMU.
"$VIRTC" capabilities --bogus >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then echo "PASS probe-qemu/usage-error"; else echo "FAIL probe-qemu/usage-error: exit $rc"; fi
"$VIRTC" capabilities --probe-qemu >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then echo "PASS probe-qemu/probe-needs-binary"; else echo "FAIL probe-qemu/probe-needs-binary: exit $rc"; fi
if "$VIRTC" capabilities --help | grep -q -- "--probe-qemu"; then echo "PASS probe-qemu/help"; else echo "FAIL probe-qemu/help"; fi

if [ ! -x "$QEMU" ]; then
    echo "SKIP probe-qemu: $QEMU is not installed"
    exit 0
fi
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_CACHE_DIR="$tmp/cache"
export VIRTC_SCHEMA_DIR="$top/schemas"
export TMPDIR="$tmp/probes"       # where the prober puts QEMU's socket
mkdir -p "$tmp/bin" "$TMPDIR"
unset VIRTC_EMULATOR_PATH VIRTC_PROBE_TIMEOUT

pass() { echo "PASS probe-qemu/$1"; }
fail() { echo "FAIL probe-qemu/$1: $2"; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "${3:-$2}"; fi; }

# The wrapper is what the prober starts; it notes each start and becomes QEMU.
wrap="$tmp/bin/qemu-system-x86_64"
printf '#!/bin/sh\necho start >>"%s"\nexec "%s" "$@"\n' "$tmp/starts" "$QEMU" >"$wrap"
chmod 755 "$wrap"
touch -d '2020-01-01 00:00:00' "$wrap"
starts() { [ -f "$tmp/starts" ] && wc -l <"$tmp/starts" | tr -d ' ' || echo 0; }
now_ms() { date +%s%3N; }

probe() {   # probe NAME: runs --probe-qemu on the wrapper; sets rc
    VIRTC_DEBUG=1 "$VIRTC" capabilities --probe-qemu "$wrap" >"$tmp/$1.out" 2>"$tmp/$1.err"
    rc=$?
}

t0=$(now_ms)
probe cold
t1=$(now_ms)
check cold-probe '[ "$rc" -eq 0 ] && grep -q "<qemuCaps" "$tmp/cold.out"' \
    "exit $rc: $(head -c 300 "$tmp/cold.err")"
echo "     cold probe of $QEMU: $((t1 - t0)) ms wall clock"
check cold-starts-qemu-once '[ "$(starts)" -eq 1 ]' "started $(starts) times"
check version-recorded 'grep -q "<version major=" "$tmp/cold.out" && grep -q "<arch>x86_64</arch>" "$tmp/cold.out"'
check machines-and-devices 'grep -q "alias=.pc. default=.yes." "$tmp/cold.out" && grep -q "<device name=.virtio-blk-pci.>" "$tmp/cold.out"'
check blockdev-flag 'grep -q "<flag name=.blockdev./>" "$tmp/cold.out"'
cache_file=$(ls "$VIRTC_CACHE_DIR"/qemu/qemu-system-x86_64-*.caps 2>/dev/null | head -n 1)
check cache-written '[ -n "$cache_file" ] && [ "$(head -c 16 "$cache_file")" = "virtc-qemu-caps" ]'

probe warm
check warm-probe '[ "$rc" -eq 0 ] && cmp -s "$tmp/cold.out" "$tmp/warm.out"' "exit $rc or output differs"
check warm-reads-cache '[ "$(starts)" -eq 1 ] && grep -q "cache hit" "$tmp/warm.err"' \
    "started $(starts) times: $(cat "$tmp/warm.err")"

touch -d '2021-06-01 12:00:00' "$wrap"
probe touched
check mtime-invalidates '[ "$rc" -eq 0 ] && [ "$(starts)" -eq 2 ] && grep -q "mtime changed" "$tmp/touched.err"' \
    "started $(starts) times: $(cat "$tmp/touched.err")"

printf '<qemuCaps><version major=' >"$cache_file"
probe corrupt
check corrupt-cache-reprobed '[ "$rc" -eq 0 ] && [ "$(starts)" -eq 3 ] && grep -q "unreadable" "$tmp/corrupt.err"' \
    "started $(starts) times: $(cat "$tmp/corrupt.err")"
probe rewritten
check corrupt-cache-rewritten '[ "$rc" -eq 0 ] && [ "$(starts)" -eq 3 ] && grep -q "cache hit" "$tmp/rewritten.err"'

"$VIRTC" capabilities --probe-qemu "$wrap" --no-cache >"$tmp/nocache.out" 2>"$tmp/nocache.err"
check no-cache-probes '[ $? -eq 0 ] && [ "$(starts)" -eq 4 ]'

# The host document: every emulator found on this host, through the cache.
"$VIRTC" capabilities >"$tmp/caps.xml" 2>"$tmp/caps.err"
rc=$?
check capabilities '[ "$rc" -eq 0 ] && grep -q "<emulator>.*qemu-system-x86_64</emulator>" "$tmp/caps.xml" && ! grep -q ">none</machine>" "$tmp/caps.xml"' \
    "exit $rc: $(head -c 300 "$tmp/caps.err")"
if grep -q "<domain type='kvm'/>" "$tmp/caps.xml"; then
    check kvm-only-with-dev-kvm '[ -c /dev/kvm ]'
fi
if [ -f "$top/schemas/capability.rng" ]; then
    "$VIRTC" validate "$tmp/caps.xml" >"$tmp/validate.out" 2>&1
    check capabilities-validates '[ $? -eq 0 ]' "$(cat "$tmp/validate.out")"
else
    echo "SKIP probe-qemu/capabilities-validates: no schemas/capability.rng"
fi

# Failures: exit 3, a message, nothing on stdout.
"$VIRTC" capabilities --probe-qemu "$tmp/no-such-qemu" >"$tmp/missing.out" 2>"$tmp/missing.err"
rc=$?
check missing-binary-exits-3 '[ "$rc" -eq 3 ] && [ ! -s "$tmp/missing.out" ] && grep -q "cannot probe" "$tmp/missing.err"' \
    "exit $rc: $(cat "$tmp/missing.err")"
printf '#!/bin/sh\necho "qemu: cannot start today" >&2\nexit 1\n' >"$tmp/bin/qemu-system-bad"
chmod 755 "$tmp/bin/qemu-system-bad"
"$VIRTC" capabilities --probe-qemu "$tmp/bin/qemu-system-bad" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
check failing-qemu-exits-3 '[ "$rc" -eq 3 ] && [ ! -s "$tmp/bad.out" ] && grep -q "cannot start today" "$tmp/bad.err"' \
    "exit $rc: $(cat "$tmp/bad.err")"
VIRTC_EMULATOR_PATH="$tmp/bin" "$VIRTC" capabilities >"$tmp/badcaps.out" 2>"$tmp/badcaps.err"
rc=$?
check failing-emulator-fails-document '[ "$rc" -eq 3 ] && [ ! -s "$tmp/badcaps.out" ]' "exit $rc"

# The child's standard descriptors survive a virtc started without 1 and 2,
# and nothing else of virtc's is inherited.
cat >"$tmp/bin/qemu-system-fdcheck" <<EOF
#!/bin/sh
r0=\$(readlink /proc/\$\$/fd/0); r1=\$(readlink /proc/\$\$/fd/1); r2=\$(readlink /proc/\$\$/fd/2)
[ -e /proc/\$\$/fd/9 ] && s9=leaked || s9=closed
echo "\$r0 \${r1##*/} \${r2##*/} fd9:\$s9" >>"$tmp/fds"
exit 1
EOF
chmod 755 "$tmp/bin/qemu-system-fdcheck"
"$VIRTC" capabilities -n --probe-qemu "$tmp/bin/qemu-system-fdcheck" >&- 2>&- 9</dev/null
check child-fds-with-1-2-closed 'grep -qx "/dev/null qemu.log qemu.log fd9:closed" "$tmp/fds"' "$(cat "$tmp/fds" 2>/dev/null)"
rm -f "$tmp/fds"

# A comma in TMPDIR is escaped in the monitor's socket path.
mkdir -p "$tmp/a,b"
TMPDIR="$tmp/a,b" "$VIRTC" capabilities -n --probe-qemu "$QEMU" >"$tmp/comma.out" 2>"$tmp/comma.err"
rc=$?
check comma-in-tmpdir '[ "$rc" -eq 0 ] && grep -q "<qemuCaps" "$tmp/comma.out"' "exit $rc: $(head -c 300 "$tmp/comma.err")"
check comma-dir-cleaned '[ -z "$(ls -A "$tmp/a,b")" ]'

# Only a trusted emulator is run: not one others may write.
cp "$wrap" "$tmp/bin/qemu-system-open"
chmod 777 "$tmp/bin/qemu-system-open"
before=$(starts)
"$VIRTC" capabilities --probe-qemu "$tmp/bin/qemu-system-open" >"$tmp/open.out" 2>"$tmp/open.err"
rc=$?
check untrusted-emulator-refused '[ "$rc" -eq 3 ] && [ ! -s "$tmp/open.out" ] && [ "$(starts)" -eq "$before" ] && grep -q "writable by group or others" "$tmp/open.err" && grep -q -- "--caps" "$tmp/open.err"' \
    "exit $rc: $(cat "$tmp/open.err")"

# No HOME and no cache variables: no cache at all, never one under /tmp.
if [ "$(id -u)" -ne 0 ]; then
    env -u HOME -u XDG_CACHE_HOME -u VIRTC_CACHE_DIR VIRTC_DEBUG=1 "$VIRTC" capabilities -n --probe-qemu "$wrap" >/dev/null 2>"$tmp/nohome.err"
    check no-home-no-cache 'grep -q "no cache directory" "$tmp/nohome.err"' "$(cat "$tmp/nohome.err")"
fi

# Nothing left behind: no probe directory, no QEMU with our socket.
check no-probe-dirs-left '[ -z "$(ls -A "$TMPDIR")" ]' "left: $(ls -A "$TMPDIR")"
check no-qemu-left '! ps -eo args | grep -F "$TMPDIR/" | grep -v grep >/dev/null'
exit 0
