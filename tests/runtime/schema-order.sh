#!/bin/sh
# make check: the documents of tests/schema-order/ show libxml2's
# interleave artifact on libvirt's domain schema (see its README): xmllint
# refuses NAME.xml and takes NAME.ordered.xml (the same children in another
# order), jing (RelaxNG as specified) takes both, and virtc takes both.
# tests/schema-diff.sh counts such documents as ORDER on this evidence.
# Needs libvirt0 and jing (tools/install-deps.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}/domain.rng
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
for f in "$top"/tests/schema-order/*.ordered.xml; do
    ordered=$f given=${f%.ordered.xml}.xml
    name=$(basename "$given" .xml)
    why=""
    xmllint --noout --relaxng "$oracle" "$given" >/dev/null 2>&1 &&
        why="xmllint takes $name.xml: no artifact to show"
    xmllint --noout --relaxng "$oracle" "$ordered" >/dev/null 2>&1 ||
        why="${why:+$why; }xmllint refuses $name.ordered.xml"
    for doc in "$given" "$ordered"; do
        jing "$oracle" "$doc" >/dev/null 2>&1 || why="${why:+$why; }jing refuses $(basename "$doc")"
        "$top/tools/virtc" validate -q "$doc" 2>/dev/null || why="${why:+$why; }virtc refuses $(basename "$doc")"
    done
    if [ -z "$why" ]; then
        echo "PASS schema-order/$name"
    else
        echo "FAIL schema-order/$name: $why"
    fi
done
