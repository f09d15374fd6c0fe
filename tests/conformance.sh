#!/bin/sh
# make conformance: runs the translators and schemas over ../shared/corpus
# and prints a pass rate per translator / agreement per schema kind, listing
# what disagrees. A report, not a gate: it exits 0 unless it cannot run.
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="$top/schemas"
if [ ! -d "$corpus" ]; then
    echo "conformance: no corpus at $corpus; nothing to measure"
    exit 0
fi
corpus=$(cd "$corpus" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate() { # rate NAME PASS TOTAL
    if [ "$3" -gt 0 ]; then
        awk -v n="$1" -v p="$2" -v t="$3" 'BEGIN { printf "%-34s %5d/%-5d %6.1f%%\n", n, p, t, p * 100 / t }'
    else
        printf '%-34s %5s\n' "$1" "n/a"
    fi
}

echo "== seeds ($corpus/seeds)"
seeds=$corpus/seeds
# qemu-argv, legacy profile: the seed's to-native example, byte for byte
pass=0 total=0
for xml in "$seeds"/qemu-to-native-*.xml; do
    [ -f "$xml" ] || continue
    total=$((total + 1))
    args=${xml%.xml}.args
    if "$VIRTC" domxml-to-native qemu-argv --caps legacy --test-env "$xml" >"$tmp/out" 2>"$tmp/err" &&
        cmp -s "$tmp/out" "$args"; then
        pass=$((pass + 1))
    else
        echo "  FAIL qemu-argv $(basename "$xml")"
    fi
done
rate "qemu-argv to-native (legacy)" $pass $total

# format: every seed domain validates, lowers, formats back valid and stable
pass=0 total=0
for xml in "$seeds"/domain-*.xml "$seeds"/xen-*.xml "$seeds"/qemu-to-native-demo.xml; do
    [ -f "$xml" ] || continue
    total=$((total + 1))
    if "$VIRTC" format "$xml" >"$tmp/a.xml" 2>"$tmp/err" &&
        "$VIRTC" validate -q "$tmp/a.xml" 2>>"$tmp/err" &&
        "$VIRTC" format "$tmp/a.xml" >"$tmp/b.xml" 2>>"$tmp/err" &&
        cmp -s "$tmp/a.xml" "$tmp/b.xml"; then
        pass=$((pass + 1))
    else
        echo "  FAIL format $(basename "$xml"): $(head -n 2 "$tmp/err" | tr '\n' ' ')"
    fi
done
rate "format round trip (seed domains)" $pass $total

# the other document kinds of the seeds validate
pass=0 total=0
for xml in "$seeds"/network-*.xml "$seeds"/pool-*.xml "$seeds"/vol-*.xml \
           "$seeds"/nodedev-*.xml "$seeds"/encryption-*.xml; do
    [ -f "$xml" ] || continue
    total=$((total + 1))
    if "$VIRTC" validate -q "$xml" 2>"$tmp/err"; then pass=$((pass + 1))
    else echo "  FAIL validate $(basename "$xml"): $(head -n 1 "$tmp/err")"; fi
done
rate "validate (seed documents)" $pass $total

labels=$corpus/libvirt-9.0/labels.tsv
if [ -f "$labels" ]; then
    echo "== schema agreement with libvirt 9.0 ($labels)"
    for kind in $(cut -f2 "$labels" | sort -u); do
        awk -F'\t' -v k="$kind" '$2 == k { print $1 "\t" $3 }' "$labels" >"$tmp/lab"
        cut -f1 "$tmp/lab" | sed "s|^|$corpus/libvirt-9.0/|" >"$tmp/files"
        # one process per kind; a file failed when a located error names it
        (cd / && xargs -d '\n' "$VIRTC" validate -q --type "$kind" <"$tmp/files") 2>"$tmp/err" >/dev/null
        rc=$?
        # xargs says 123 when virtc exited 1 (some file invalid); anything
        # else (a crash, a missing schema) makes the count meaningless
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 123 ]; then
            echo "  ERROR $kind: virtc validate failed (xargs status $rc): $(head -n 2 "$tmp/err" | tr '\n' ' ')"
            continue
        fi
        sed -n "s|^$corpus/libvirt-9.0/\([^:]*\):[0-9]*:[0-9]*: error: .*|\1|p" "$tmp/err" |
            sort -u >"$tmp/failed"
        agree=0 total=0
        : >"$tmp/dis"
        while IFS="$(printf '\t')" read -r f verdict; do
            total=$((total + 1))
            if grep -qxF "$f" "$tmp/failed"; then got=invalid; else got=valid; fi
            if [ "$got" = "$verdict" ]; then agree=$((agree + 1))
            else
                # libvirt's schema passed it but libvirt's parser did not
                why=""
                for e in "$corpus/libvirt-9.0/${f%.xml}".*err; do
                    [ -f "$e" ] && why=" (libvirt's parser rejects it too: $(basename "$e"))" && break
                done
                # no expected error beside it (the corpus keeps those for
                # domains only): ask libvirt's parser itself, where it runs
                if [ -z "$why" ] && [ "$got" = invalid ]; then
                    said=$(echo "$corpus/libvirt-9.0/$f" |
                           python3 "$top/tests/libvirt-parse.py" "$kind" 2>/dev/null | cut -f2-)
                    case "$said" in
                    refused*) why=" (libvirt's parser rejects it too: ${said#refused?})" ;;
                    esac
                fi
                echo "  DISAGREE $kind $f: libvirt's schema says $verdict, virtc says $got$why" >>"$tmp/dis"
            fi
        done <"$tmp/lab"
        rate "schema $kind" $agree $total
        cat "$tmp/dis"
    done
fi

for extra in "$top"/tests/conformance-*.sh; do
    [ -f "$extra" ] && sh "$extra" "$corpus"
done
exit 0
