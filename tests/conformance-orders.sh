#!/bin/sh
# Order agreement (make conformance): every order of small sets of a
# container's children, and random orders of larger ones, judged by
# virtc's schema, virtc validate and libvirt's schema (Debian's libvirt0)
# under libxml2, which must agree (tests/schema-orders.py). A report:
# exits 0 unless it cannot run.
top=$(cd "$(dirname "$0")/.." && pwd)
count=${VIRTC_ORDERS_COUNT:-4000}
echo "== order agreement with libvirt's schemas (tests/schema-orders.py, $count documents per container)"
if [ ! -r /usr/share/libvirt/schemas/domain.rng ]; then
    echo "  order agreement: cannot run: no libvirt schemas (libvirt0)"
    exit 0
fi
python3 "$top/tests/schema-orders.py" --count "$count" --validate "$top/tools/virtc" 2>&1 | awk '
/^schema-orders / {
    kind = $2; sub(/:$/, "", kind)
    split($3, a, "/")
    printf "%-34s %5d/%-5d %6.1f%%\n", "order " kind, a[1], a[2], a[2] ? a[1] * 100 / a[2] : 0
    sub(/^[^(]*/, ""); print "  " $0
    next
}
{ print "  " $0 }'
exit 0
