#!/bin/sh
# make check: the documents of tests/schema-order/ show libxml2's
# interleave artifact on libvirt's domain schema (see its README): xmllint
# refuses NAME.xml and takes NAME.ordered.xml (the same children in another
# order), jing (RelaxNG as specified) takes both, and virtc gives
# xmllint's verdict on both (libvirt's verdict: virtc's domain schema
# groups <domain>'s children as libvirt's does, tests/schema-orders.py).
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
    done
    "$top/tools/virtc" validate -q "$given" 2>/dev/null && why="${why:+$why; }virtc takes $name.xml"
    "$top/tools/virtc" validate -q "$ordered" 2>/dev/null || why="${why:+$why; }virtc refuses $name.ordered.xml"
    if [ -z "$why" ]; then
        echo "PASS schema-order/$name"
    else
        echo "FAIL schema-order/$name: $why"
    fi
done
