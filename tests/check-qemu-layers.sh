#!/bin/sh
# The files of the qemu-argv -device generation (argv_modern*.o) call one
# way only: the section list -> emission -> placement -> base. This builds
# their call graph from the objects (a file calls another when it uses a
# symbol the other defines, per nm) and fails when the graph has a cycle
# (tsort finds it). Part of make check: prints PASS or FAIL lines.
top=$(cd "$(dirname "$0")/.." && pwd)
# the objects of today's sources (a stale object of a removed file is not
# part of the library)
set --
for c in "$top"/translators/qemu/argv_modern*.c; do
    o=$top/build/translators/qemu/$(basename "$c" .c).o
    if [ ! -f "$o" ]; then
        echo "FAIL qemu-layers: $o is not built (run make first)"
        exit 1
    fi
    set -- "$@" "$o"
done
. "$(dirname "$0")/helpers/scratch.sh"
for o in "$@"; do
    f=$(basename "$o" .o)
    nm "$o" | awk -v f="$f" '$1 == "U" { print "U", f, $2 } NF == 3 && $2 ~ /^[TDRB]$/ { print "D", f, $3 }'
done >"$tmp/syms"
# edges "caller callee", one per pair of files
awk '$1 == "D" { def[$3] = $2; next }
     { use[++n] = $2 " " $3 }
     END { for (i = 1; i <= n; i++) { split(use[i], a, " ");
               if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]] } }' "$tmp/syms" |
    sort -u >"$tmp/edges"
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/err"; then
    echo "FAIL qemu-layers: the modern generation's files call each other in a cycle:"
    sed 's/^/    /' "$tmp/err"
    echo "  edges (caller callee):"
    sed 's/^/    /' "$tmp/edges"
    exit 1
fi
echo "PASS qemu-layers: $(wc -l <"$tmp/edges") call edges among $# files, no cycle"
