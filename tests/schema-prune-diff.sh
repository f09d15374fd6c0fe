#!/bin/sh
# The pruned schema's verdict (translators/schema_prune.c, used by `virtc
# start DOMAIN.xml`) next to the whole domain schema's, on our own golden
# domains and on documents tests/schema-gen.py makes from the schema
# (generated, mutations of the goldens, device documents, the goldens'
# children in other orders, where libxml2's interleave handling is at its
# weakest) and on tests/schema-orders.py's documents (every container's
# children in many orders, which libxml2 judges by the shape of the
# interleaves): every one must agree, valid and invalid alike.
#
#   schema-prune-diff.sh [COUNT [SEED]]     (COUNT per generator, default 100)
#   schema-prune-diff.sh --files NAME FILE...   (those files)
#
# Part of make check (a bounded COUNT); tests/conformance-prune.sh runs it
# with more, and over the corpus.
top=$(cd "$(dirname "$0")/.." && pwd)
diff=$top/build/tests/schema_prune_diff
export VIRTC_SCHEMA_DIR="$top/schemas"
if [ ! -x "$diff" ]; then
    echo "FAIL schema-prune: $diff is not built"
    exit 1
fi
if [ "$1" = "--files" ]; then
    shift
    exec "$diff" "$@"
fi
count=${1:-100}
seed=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM
grep -l '<domain' -r "$top/tests/golden" --include='*.xml' | sort > "$tmp/goldens"
rc=0
"$diff" goldens $(cat "$tmp/goldens") || rc=1
if ! command -v python3 >/dev/null 2>&1; then
    echo "FAIL schema-prune/generated: python3 is needed to generate documents"
    exit 1
fi
gen="python3 $top/tests/schema-gen.py"
rng=$top/schemas/domain.rng
mkdir "$tmp/g" "$tmp/m" "$tmp/d" "$tmp/r" "$tmp/o"
$gen generate --schema "$rng" --out "$tmp/g" --count "$count" --seed "$seed" --prefix g >/dev/null &&
$gen mutate --schema "$rng" --out "$tmp/m" --count "$count" --seed "$seed" --prefix m <"$tmp/goldens" >/dev/null &&
$gen devices --schema "$rng" --other "$rng" --out "$tmp/d" --count "$count" --seed "$seed" <"$tmp/goldens" >/dev/null &&
head -n "$count" "$tmp/goldens" |
    $gen reorder --schema "$rng" --out "$tmp/r" --count 2 --seed "$seed" >/dev/null &&
python3 "$top/tests/schema-orders.py" --write "$tmp/o" --count "$count" --seed "$seed" ||
    { echo "FAIL schema-prune/generated: schema-gen.py failed"; exit 1; }
# Each set is bounded in time: some generated invalid documents drive
# libxml2's RelaxNG validation into exponential backtracking (with the whole
# schema as with the pruned one: `virtc validate` takes as long), and such a
# set is reported as stopped, never waited for.
bound=${PRUNE_BOUND:-180}
judge() {
    name=$1
    shift
    timeout "$bound" "$diff" "$name" "$@"
    st=$?
    [ "$st" -eq 124 ] &&
        echo "FAIL schema-prune/$name: stopped after $bound s (a document whose validation backtracks without end)"
    return "$st"
}
judge "generated-seed$seed" "$tmp"/g/*.xml || rc=1
judge "mutated-seed$seed" "$tmp"/m/*.xml || rc=1
judge "devices-seed$seed" "$tmp"/d/*.xml || rc=1
judge "reordered-seed$seed" "$tmp"/r/*.xml || rc=1
judge "orders-seed$seed" "$tmp"/o/*.xml || rc=1
exit $rc
