#!/bin/sh
# make check: every document of tests/schema-cases/KIND/ gets the same
# verdict from libvirt's schema for KIND (libvirt0, the oracle) and from
# virtc's (xmllint --relaxng, libxml2 as libvirt uses it). Each case is a
# disagreement found by tests/schema-diff.sh and fixed. Needs libvirt0
# (tools/install-deps.sh).
top=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
schemas=${VIRTC_SCHEMA_DIR:-$top/schemas}
verdict() { xmllint --noout --relaxng "$1" "$2" >/dev/null 2>&1 && echo valid || echo invalid; }
for dir in "$top"/tests/schema-cases/*/; do
    kind=$(basename "$dir")
    for f in "$dir"*.xml; do
        [ -f "$f" ] || continue
        name=$kind/$(basename "$f" .xml)
        lv=$(verdict "$oracle/$kind.rng" "$f")
        vv=$(verdict "$schemas/$kind.rng" "$f")
        if [ "$lv" = "$vv" ]; then
            echo "PASS schema-cases/$name"
        else
            echo "FAIL schema-cases/$name: libvirt's schema says $lv, virtc's says $vv"
        fi
    done
done
