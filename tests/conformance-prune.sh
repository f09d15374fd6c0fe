#!/bin/sh
# make conformance: the pruned schema's verdict (`virtc start DOMAIN.xml`)
# against the whole domain schema's, on every domain of the corpus and on
# generated documents of three seeds (tests/schema-prune-diff.sh, which
# make check runs with fewer). A report: exits 0.
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}
echo "== pruned schema verdicts (virtc start DOMAIN.xml) against the whole schema"
if [ -d "$corpus" ]; then
    # shellcheck disable=SC2046
    sh "$top/tests/schema-prune-diff.sh" --files corpus \
        $(grep -l '<domain' -r "$corpus" --include='*.xml' | sort) | tail -n 20
fi
for seed in 1 2 3; do
    sh "$top/tests/schema-prune-diff.sh" "${PRUNE_COUNT:-400}" "$seed" | tail -n 20
done
exit 0
