#!/bin/sh
# The disk side of the differential schema agreement (make conformance):
# tests/schema-disk-matrix.py's hand-made matrices (every mirror form, the
# security labels and TLS of each source in each place, target names at the
# pattern's edges, slice and rotation-rate limits, the children of each
# source in every order), each document judged by libvirt's schema
# (libvirt0, the oracle) and virtc's. Prints one rate line per matrix and
# the first 10 disagreements of each. A report: exits 0 unless it cannot run.
top=$(cd "$(dirname "$0")/.." && pwd)
echo "== differential schema agreement on disk matrices (tests/schema-disk-matrix.py)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$top/tests/schema-disk-matrix.py" >"$out" 2>&1
if [ $? -eq 2 ]; then
    echo "  disk matrices: cannot run: $(head -n 1 "$out")"
    exit 0
fi
awk '
/^schema-disk-matrix / {
    m = $2; sub(/:$/, "", m)
    split($3, a, "/")
    printf "%-34s %5d/%-5d %6.1f%%\n", "disk matrix " m, a[1], a[2], a[2] ? a[1] * 100 / a[2] : 0
    shown = 0; next
}
/^DIFF / { if (shown++ < 10) print "  " $0; else if (shown == 11) print "  ..." }
' "$out"
exit 0
