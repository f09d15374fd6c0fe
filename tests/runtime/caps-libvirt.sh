#!/bin/sh
# `virtc capabilities` on this host, whatever its CPU (Intel, AMD, with or
# without KVM), validated against libvirt's own capability.rng (Debian's
# libvirt0, installed by tools/install-deps.sh; an oracle, never copied
# here), and the host CPU named as libvirt does: a model, then only
# features, no dotted names. One line per check: PASS/FAIL caps-libvirt/NAME.
# With an argument "report" it prints one conformance line instead.
top=$(cd "$(dirname "$0")/../.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
rng=${VIRTC_LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}/capability.rng
. "$(dirname "$0")/../helpers/scratch.sh"
export VIRTC_CACHE_DIR="$tmp/cache"
export VIRTC_SCHEMA_DIR="$top/schemas"
export TMPDIR="$tmp"
mode=${1:-test}

say() { # say RESULT NAME [WHY]
    [ "$mode" = test ] && echo "$1 caps-libvirt/$2${3:+: $3}"
}

if [ ! -f "$rng" ]; then
    say FAIL schema "no $rng (tools/install-deps.sh installs libvirt0)"
    [ "$mode" = report ] && printf '%-34s %s\n' "capabilities vs libvirt schema" "no schema"
    exit 0
fi
if "$VIRTC" capabilities >"$tmp/caps.xml" 2>"$tmp/err"; then
    say PASS runs
else
    say FAIL runs "exit $?: $(head -c 300 "$tmp/err")"
fi
if xmllint --noout --relaxng "$rng" "$tmp/caps.xml" >"$tmp/lint" 2>&1; then
    say PASS libvirt-schema
    verdict=valid
else
    say FAIL libvirt-schema "$(head -n 3 "$tmp/lint" | tr '\n' ' ')"
    verdict=invalid
fi
if "$VIRTC" validate -q "$tmp/caps.xml" 2>"$tmp/err"; then
    say PASS virtc-schema
else
    say FAIL virtc-schema "$(head -c 300 "$tmp/err")"
fi
if grep -q "<feature name='[^']*\.[^']*'/>" "$tmp/caps.xml"; then
    say FAIL no-dotted-features "$(grep -m 2 "<feature name='[^']*\.[^']*'/>" "$tmp/caps.xml" | tr -d ' ')"
else
    say PASS no-dotted-features
fi
# On x86 with an x86 QEMU, the host CPU has a model unless the host is older
# than every model QEMU knows.
case $(uname -m) in
x86_64|i?86)
    if [ -x /usr/bin/qemu-system-x86_64 ]; then
        if sed -n '/^    <cpu>/,/^    <\/cpu>/p' "$tmp/caps.xml" | grep -q "^      <model>"; then
            say PASS host-model
        else say FAIL host-model "no <model> in the host CPU"; fi
    fi ;;
esac
for e in topology secmodel migration_features; do
    if grep -q "^    <$e>" "$tmp/caps.xml"; then say PASS "has-$e"; else say FAIL "has-$e"; fi
done
# The DAC base label is qemu.conf's user and group (numeric or by name).
if [ "$mode" = test ]; then
    printf 'user = "+107"\ngroup = "+108"\n' >"$tmp/qemu.conf"
    VIRTC_QEMU_CONF=$tmp/qemu.conf "$VIRTC" capabilities >"$tmp/dac.xml" 2>"$tmp/err"
    if grep -q "<baselabel type='kvm'>+107:+108</baselabel>" "$tmp/dac.xml"; then say PASS dac-label-from-qemu-conf
    else say FAIL dac-label-from-qemu-conf "$(head -c 200 "$tmp/err")"; fi
    printf 'user = "root"\n' >"$tmp/qemu.conf"
    VIRTC_QEMU_CONF=$tmp/qemu.conf "$VIRTC" capabilities >"$tmp/dac.xml" 2>"$tmp/err"
    if grep -q "<baselabel type='qemu'>+0:+0</baselabel>" "$tmp/dac.xml"; then say PASS dac-label-by-name
    else say FAIL dac-label-by-name "$(head -c 200 "$tmp/err")"; fi
fi
if [ "$mode" = report ]; then
    model=$(sed -n '/^    <cpu>/,/^    <\/cpu>/s|^      <model>\(.*\)</model>|\1|p' "$tmp/caps.xml")
    nfeat=$(grep -c "^      <feature name=" "$tmp/caps.xml")
    printf '%-34s %s (host CPU: %s + %s features)\n' "capabilities vs libvirt schema" \
        "$verdict" "${model:-no model}" "$nfeat"
fi
exit 0
