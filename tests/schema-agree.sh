#!/usr/bin/env bash
# schema-agree.sh KIND: compare virtc's RelaxNG schema for KIND with the
# verdicts libvirt 9.0 gave the reference corpus.
#
# Reads ../shared/corpus/libvirt-9.0/labels.tsv (path <TAB> kind <TAB>
# valid|invalid), validates every file of KIND with
#   xmllint --noout --relaxng schemas/<schema>.rng FILE
# and prints
#   KIND: N/M agree
# followed by one line per disagreement:
#   disagree: PATH expected VERDICT got VERDICT
# It is a report: it always exits 0.
#
# Environment: CORPUS (default ../shared/corpus/libvirt-9.0 relative to the
# repo root), SCHEMADIR (default schemas/ of the repo), XMLLINT.

kind=${1:-}
if [ -z "$kind" ]; then
    echo "usage: $0 KIND" >&2
    exit 0
fi

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$here/../shared/corpus/libvirt-9.0}
schemadir=${SCHEMADIR:-$here/schemas}
xmllint=${XMLLINT:-xmllint}

# each kind's schema is schemas/KIND.rng (domain, network, storagepool, ...)
schema=$kind.rng

labels=$corpus/labels.tsv
if [ ! -r "$labels" ]; then
    echo "$kind: 0/0 agree (no $labels)"
    exit 0
fi
if [ ! -r "$schemadir/$schema" ]; then
    echo "$kind: 0/0 agree (no $schemadir/$schema)"
    exit 0
fi

total=0
agree=0
report=""
while IFS=$'\t' read -r path k verdict _; do
    [ "$k" = "$kind" ] || continue
    total=$((total + 1))
    if "$xmllint" --noout --relaxng "$schemadir/$schema" "$corpus/$path" >/dev/null 2>&1; then
        got=valid
    else
        got=invalid
    fi
    if [ "$got" = "$verdict" ]; then
        agree=$((agree + 1))
    else
        report+="disagree: $path expected $verdict got $got"$'\n'
    fi
done < "$labels"

echo "$kind: $agree/$total agree"
printf '%s' "$report"
exit 0
