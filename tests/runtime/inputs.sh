#!/bin/sh
# One reader for every input (issue 11): the same size limit (10 MiB) and
# the same words for documents on standard input and in files, for format,
# domxml-to-native and validate; --caps and the probe cache take regular
# files only, so /dev/zero is not read without end and a FIFO does not hang
# the run. One line per check: PASS/FAIL inputs/NAME.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_SCHEMA_DIR="$top/schemas"
export VIRTC_PROFILE_DIR="$top/translators/qemu/profiles"
export VIRTC_CACHE_DIR="$tmp/cache"
export TMPDIR="$tmp"
# A bounded run: a hang is a failure, not a stuck make check (generous: a
# probe starts QEMU, and CI machines are loaded).
run() { timeout 90 "$@"; }

check() { # check NAME WANT_RC WANT_STDERR_TEXT
    if [ "$rc" -eq "$2" ] && grep -qF -- "$3" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        echo "PASS inputs/$1"
    else
        echo "FAIL inputs/$1: exit $rc (want $2): $(head -c 200 "$tmp/err")"
    fi
}

# 11 MiB: a comment fills a valid-looking document past the limit.
{ printf '<domain type="qemu"><name>big</name><!-- '
  head -c 11534336 /dev/zero | tr '\0' 'x'
  printf ' --></domain>\n'; } >"$tmp/big.xml"
big="document too large (the limit is 10 MiB)"
run "$VIRTC" format - <"$tmp/big.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check format-stdin-limit 1 "<stdin>:1:1: error: $big"
run "$VIRTC" format "$tmp/big.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check format-file-limit 1 "big.xml:1:1: error: $big"
run "$VIRTC" domxml-to-native qemu-argv --caps legacy - <"$tmp/big.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check to-native-stdin-limit 1 "-:1:1: error: $big"
run "$VIRTC" domxml-to-native qemu-argv --caps legacy "$tmp/big.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check to-native-file-limit 1 "big.xml:1:1: error: $big"
run "$VIRTC" validate -q - <"$tmp/big.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check validate-stdin-limit 1 "$big"
# A pipe with no size to announce is cut at the limit too.
head -c 11534336 /dev/zero | tr '\0' ' ' | run "$VIRTC" format - >"$tmp/out" 2>"$tmp/err"; rc=$?
check format-pipe-limit 1 "<stdin>:1:1: error: $big"

cat >"$tmp/vm.xml" <<'XML'
<domain type='qemu'><name>vm</name><memory>131072</memory><os><type>hvm</type></os></domain>
XML
run "$VIRTC" domxml-to-native qemu-argv --caps /dev/zero "$tmp/vm.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check caps-dev-zero 1 "/dev/zero:1:1: error: cannot read: not a regular file"
mkfifo "$tmp/caps.xml"
run "$VIRTC" domxml-to-native qemu-argv --caps "$tmp/caps.xml" "$tmp/vm.xml" >"$tmp/out" 2>"$tmp/err"; rc=$?
check caps-fifo 1 "caps.xml:1:1: error: cannot read: not a regular file"

# A FIFO where the probe cache file goes: probed again, not hung.
qemu=/usr/bin/qemu-system-x86_64
if [ -x "$qemu" ]; then
    if run "$VIRTC" capabilities -p "$qemu" >"$tmp/first" 2>"$tmp/err"; then
        cache=$(ls "$VIRTC_CACHE_DIR"/qemu/*.caps | head -n 1)
        rm -f "$cache" && mkfifo "$cache"
        run "$VIRTC" capabilities -p "$qemu" >"$tmp/out" 2>"$tmp/err"; rc=$?
        if [ "$rc" -eq 0 ] && cmp -s "$tmp/first" "$tmp/out" && [ -f "$cache" ] && [ ! -p "$cache" ]; then
            echo "PASS inputs/cache-fifo"
        else
            echo "FAIL inputs/cache-fifo: exit $rc: $(head -c 200 "$tmp/err")"
        fi
    else
        echo "FAIL inputs/cache-fifo: first probe failed: $(head -c 200 "$tmp/err")"
    fi
fi
exit 0
