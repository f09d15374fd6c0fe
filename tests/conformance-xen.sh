#!/bin/sh
# Part of make conformance (tests/conformance.sh passes the corpus dir):
# xen-xm and xen-xl against libvirt 9.0's xmconfigdata and xlconfigdata.
#
#   corpus cases   each case in the direction(s) its directions.tsv names
#                  (both, xml-to-native, native-to-xml; both-replace-vars is
#                  skipped), byte for byte; an expected file without a final
#                  newline is compared as if it had one (virtc ends its output
#                  with one)
#   round trips    every domain of both corpora: XML -> native -> XML equals
#                  `virtc format` of the domain, where the format can express
#                  it (a conversion warning "... dropped" means it cannot:
#                  counted apart)
#   seeds          the xen-* domains and the rhel5pv one: to native and back
#                  gives a domain that validates and is a fixed point
#                  (to native and back again gives the same bytes)
# A report, not a gate: exits 0.
corpus=${1:-${VIRTC_CORPUS:-$(dirname "$0")/../../shared/corpus}}
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=$top/tools/virtc
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate() { # rate NAME PASS TOTAL
    if [ "$3" -gt 0 ]; then
        awk -v n="$1" -v p="$2" -v t="$3" 'BEGIN { printf "%-34s %5d/%-5d %6.1f%%\n", n, p, t, p * 100 / t }'
    else
        printf '%-34s %5s\n' "$1" "n/a"
    fi
}

# same OUT EXPECTED: equal, a missing final newline of EXPECTED aside
same() {
    { cat "$2"; [ -n "$(tail -c 1 "$2")" ] && echo; } >"$tmp/want"
    cmp -s "$1" "$tmp/want"
}

for pair in xmconfigdata:xen-xm xlconfigdata:xen-xl; do
    dir=$corpus/libvirt-9.0/${pair%%:*}
    fmt=${pair#*:}
    [ -f "$dir/directions.tsv" ] || { echo "== $fmt: no $dir; nothing to measure"; continue; }
    echo "== $fmt ($dir)"
    for want in native-to-xml xml-to-native; do
        pass=0 total=0
        : >"$tmp/fails"
        while IFS='	' read -r stem direction; do
            case "$stem" in ''|'#'*) continue ;; esac
            case "$direction" in both|"$want") ;; *) continue ;; esac
            total=$((total + 1))
            if [ "$want" = native-to-xml ]; then
                "$VIRTC" domxml-from-native "$fmt" "$dir/$stem.cfg" >"$tmp/out" 2>"$tmp/err" &&
                    same "$tmp/out" "$dir/$stem.xml" && "$VIRTC" validate -q "$tmp/out" 2>>"$tmp/err"
            else
                "$VIRTC" domxml-to-native "$fmt" "$dir/$stem.xml" >"$tmp/out" 2>"$tmp/err" &&
                    same "$tmp/out" "$dir/$stem.cfg"
            fi
            if [ $? -eq 0 ]; then
                pass=$((pass + 1))
            else
                echo "  FAIL $fmt $want $stem: $(head -n 1 "$tmp/err")" >>"$tmp/fails"
            fi
        done <"$dir/directions.tsv"
        rate "$fmt $want" $pass $total
        cat "$tmp/fails"
    done
done

# XML -> native -> XML for every domain of both corpora, in both formats
for fmt in xen-xm xen-xl; do
    pass=0 total=0 inexpressible=0
    : >"$tmp/fails"
    for xml in "$corpus"/libvirt-9.0/xmconfigdata/*.xml "$corpus"/libvirt-9.0/xlconfigdata/*.xml; do
        [ -f "$xml" ] || continue
        "$VIRTC" format "$xml" >"$tmp/a.xml" 2>/dev/null || continue
        if ! "$VIRTC" domxml-to-native "$fmt" "$xml" >"$tmp/n" 2>"$tmp/err"; then
            total=$((total + 1))
            echo "  FAIL $fmt round trip $(basename "$xml"): $(head -n 1 "$tmp/err")" >>"$tmp/fails"
            continue
        fi
        if grep -q 'dropped\|no place\|written as' "$tmp/err"; then
            inexpressible=$((inexpressible + 1))
            continue
        fi
        total=$((total + 1))
        if "$VIRTC" domxml-from-native "$fmt" "$tmp/n" >"$tmp/b.xml" 2>"$tmp/err" &&
            cmp -s "$tmp/a.xml" "$tmp/b.xml"; then
            pass=$((pass + 1))
        else
            echo "  FAIL $fmt round trip $(basename "$xml"): $(head -n 1 "$tmp/err")$(diff "$tmp/a.xml" "$tmp/b.xml" | head -n 3 | tr '\n' ' ')" >>"$tmp/fails"
        fi
    done
    rate "$fmt XML->native->XML" $pass $total
    echo "  ($inexpressible more the format cannot express, by its warnings)"
    cat "$tmp/fails"
done

# the seeds' Xen domains: to native and back, twice
for fmt in xen-xm xen-xl; do
    pass=0 total=0
    : >"$tmp/fails"
    for xml in "$corpus"/seeds/xen-*.xml; do
        [ -f "$xml" ] || continue
        total=$((total + 1))
        if "$VIRTC" domxml-to-native "$fmt" "$xml" >"$tmp/n1" 2>"$tmp/err" &&
            "$VIRTC" domxml-from-native "$fmt" "$tmp/n1" >"$tmp/x1.xml" 2>>"$tmp/err" &&
            "$VIRTC" validate -q "$tmp/x1.xml" 2>>"$tmp/err" &&
            "$VIRTC" domxml-to-native "$fmt" "$tmp/x1.xml" >"$tmp/n2" 2>>"$tmp/err" &&
            "$VIRTC" domxml-from-native "$fmt" "$tmp/n2" >"$tmp/x2.xml" 2>>"$tmp/err" &&
            cmp -s "$tmp/x1.xml" "$tmp/x2.xml" && cmp -s "$tmp/n1" "$tmp/n2"; then
            pass=$((pass + 1))
        else
            echo "  FAIL $fmt seed $(basename "$xml"): $(grep -v warning "$tmp/err" | head -n 1)" >>"$tmp/fails"
        fi
    done
    rate "$fmt seeds (to native and back)" $pass $total
    cat "$tmp/fails"
done
exit 0
