#!/bin/sh
# schema-diff.sh [--seed N] [--count N] [--keep DIR] [KIND...]: differential
# test of virtc's schemas against libvirt's own (Debian's libvirt0,
# /usr/share/libvirt/schemas), used as an oracle only.
#
# For each kind it makes documents with tests/schema-gen.py: COUNT generated
# from libvirt's grammar, COUNT from virtc's, COUNT mutations of the corpus
# files of that kind (../shared/corpus/libvirt-9.0, by labels.tsv) and COUNT
# mutations of the generated ones. Each document is judged by
#   xmllint --relaxng <libvirt schema>    and    virtc validate --type KIND
# and xmllint --relaxng <virtc's schema>, and must get the same verdict.
# Prints per kind
#   schema-diff KIND: A/N agree (B refused by virtc's checks beyond the schema, P of them taken by libvirt's parser; L taken by virtc validate and refused by libvirt's parser[; O refused by libvirt's schema only in the order given]; T oracle timed out)
# then one line per disagreement
#   DIFF KIND FILE: libvirt says V, virtc says W: virtc validate's first message
# and one per document both schemas accept and virtc validate refuses (its
# front end's checks, like libvirt's parser's, go beyond the schema):
#   BEYOND KIND FILE: ...
# libvirt's verdict is libxml2's on libvirt's schema (what xmllint and
# virt-xml-validate say), order included: libxml2's <interleave> is not
# RelaxNG's (after matching a part that is itself an interleave it relinks
# that part's children in document order, hiding from a later part its
# children that stood in between: tests/schema-order/), and virtc's domain
# schema groups <domain>'s children as libvirt's does, so it gives
# libxml2's verdict on every order too (tests/schema-orders.py checks
# thousands of orders). A domain libvirt's schema refuses and virtc's
# takes is still tried again with its top-level children reordered (the
# order libvirt's schema declares them in, reversed, shuffled), and judged
# by jing, a second RelaxNG validator, on libvirt's schema as given. When
# libxml2 takes another order and jing takes it as it is, the refusal is
# libxml2's order rule, which virtc's grouping missed:
#   ORDER KIND FILE: libvirt's schema takes it in another order (libxml2's interleave; jing takes it)
# Such documents are not counted as agreeing and do not fail the run
# (libvirt's parser reads the children in any order); the order tests
# above are where the rule is pinned. When jing refuses it too, the order
# is a rule of libvirt's schema (a <group>: Xen PV's <bootloader> before
# <os>): a DIFF. Without jing (Debian's jing package) the reordering alone
# decides, and the ORDER line says "unconfirmed".
# Each document gets SCHEMA_DIFF_BOUND seconds (10) of xmllint's CPU time
# from each schema (tests/schema-judge.py; CPU time, not wall time, so a
# busy machine gives the same verdicts and counts as an idle one): libxml2
# backtracks exponentially on some documents with libvirt's own schema
# (tests/schema-slow/) and would stall the run for hours. A document libvirt's schema gives no verdict on in
# time is neither agreeing nor disagreeing; it is counted and listed with
# jing's verdict (jing does not backtrack) and virtc's:
#   TIMEOUT KIND FILE: oracle timed out: libxml2 gave no verdict within 10 s of CPU time on libvirt's schema (jing says valid; virtc says valid)
# and does not fail the run. virtc's own schema taking that long is a DIFF.
# Exits 1 when any document disagrees otherwise (2 when it cannot run).
# --keep DIR copies the disagreeing documents there (ORDER ones to
# DIR/KIND/order/, TIMEOUT ones to DIR/KIND/timeout/).
# --shrink: after each disagreement, the smallest document by dropping
# elements and attributes that still disagrees the same way, and the
# element or attribute path whose removal makes the two agree (the first
# differing part; tests/schema-gen.py shrink):
#   SHRUNK FILE: libvirt says V, virtc says W at PATH: message (MINIMAL)
# for an ORDER document, the smallest one libvirt's schema judges by order.
# --only-diff: no BEYOND lines, only the disagreements.
# A document both schemas accept and virtc validate refuses is then given
# to libvirt's own parser (libvirt 9.0's, tests/libvirt-parse.py; skipped
# where that cannot run): one it takes is listed, kept in DIR/KIND/parser/
#   PARSER KIND FILE: libvirt's parser takes it, virtc validate refuses it: ...
# and counted in "N of them taken by libvirt's parser" (a domain is parsed
# without a driver, so a refusal there may be a missing default; a
# PARSER line is always a front-end check too strict).
# The other way round, a document both schemas accept and virtc validate
# takes is given to libvirt's parser too; one it refuses is listed, kept in
# DIR/KIND/looser/
#   LOOSER KIND FILE: libvirt's parser refuses it, virtc validate takes it: libvirt's message
# and counted in "L taken by virtc validate and refused by libvirt's
# parser": a check libvirt's parser makes and virtc's front end lacks
# (every kind libvirt-parse.py knows; none for capability and
# storageencryption, which it has no parser for). A measurement, like
# BEYOND: it does not fail the run.
# KIND may also be "devices" or "storage" (documents that vary only in
# <devices>, or only in its <disk> and <hostdev> elements); --only
# NAME,... narrows "devices" to those device elements (channel,serial;
# SCHEMA_DIFF_ONLY says the same from the environment, --only wins).
# Environment: VIRTC, LIBVIRT_SCHEMAS, VIRTC_CORPUS, SCHEMA_DIFF_BOUND,
# SCHEMA_DIFF_ONLY (the devices kind with only these devices, comma-separated:
# disk,hostdev,controller,filesystem).
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
oracle=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
corpus=${VIRTC_CORPUS:-$top/../shared/corpus}/libvirt-9.0
seed=1 count=40 keep="" shrink="" onlydiff="" only=${SCHEMA_DIFF_ONLY:-}
bound=${SCHEMA_DIFF_BOUND:-10}
while [ $# -gt 0 ]; do
    case $1 in
    --seed) seed=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --shrink) shrink=1; shift ;;
    --only-diff) onlydiff=1; shift ;;
    --only) only=$2; shift 2 ;;
    *) break ;;
    esac
done
kinds=${*:-domain network storagepool storagevol storageencryption nodedev secret capability interface}
if [ ! -r "$oracle/domain.rng" ]; then
    echo "schema-diff: no libvirt schemas in $oracle (install libvirt0)" >&2
    exit 2
fi
command -v python3 >/dev/null && command -v xmllint >/dev/null || {
    echo "schema-diff: needs python3 and xmllint" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen="python3 $top/tests/schema-gen.py"
UNORDERED="domain"
judge="python3 $top/tests/schema-judge.py --bound $bound"

# verdicts FILE WORD: the documents schema-judge.py's FILE gives WORD
verdicts() { awk -F'\t' -v w="$2" '$2 == w { print $1 }' "$1" | sort; }

# jing_verdict RNG FILE: RelaxNG's verdict by jing, which does not
# backtrack (libxml2 may: see tests/schema-slow/), bounded all the same
jing_verdict() {
    command -v jing >/dev/null || { echo "no jing to ask"; return; }
    timeout "$bound" jing "$1" "$2" >/dev/null 2>&1
    case $? in
    0) echo "jing says valid" ;;
    124) echo "jing gave no verdict either" ;;
    *) echo "jing says invalid" ;;
    esac
}

# The pseudo-kind "devices" is the domain kind with documents that vary
# only inside <devices> (schema-gen.py devices); "storage" the same with
# only <disk> and <hostdev> devices: doc_kind names the document kind,
# gen_mode the generator's mode and its options.
doc_kind() { case $1 in devices | storage) echo domain ;; *) echo "$1" ;; esac; }
gen_mode() {
    case $1 in
    devices) echo devices ${only:+--only "$only"} ;;
    storage) echo devices --only disk,hostdev ;;
    *) echo batch ;;
    esac
}

# oracle_schema KIND: libvirt's schema file for KIND. Storage encryption
# has no document schema of its own in libvirt: a small grammar starts
# at its storagecommon.rng's define.
oracle_schema() {
    case $1 in
    storageencryption)
        cat >"$tmp/oracle-enc.rng" <<EOF
<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><ref name="encryption"/></start>
  <include href="$oracle/basictypes.rng"/>
  <include href="$oracle/storagecommon.rng"/>
</grammar>
EOF
        echo "$tmp/oracle-enc.rng" ;;
    *) echo "$oracle/$(doc_kind "$1").rng" ;;
    esac
}
virtc_schema() { echo "$VIRTC_SCHEMA_DIR/$(doc_kind "$1").rng"; }

# parser_lines LIST VERDICT TAG SUBDIR WHAT: the files of LIST libvirt's
# parser gives VERDICT (ok or refused), each as a line "TAG KIND FILE:
# WHAT: why" in $d/dis (why: virtc's first message for what libvirt takes,
# libvirt's for what it refuses), kept in $keep/KIND/SUBDIR; prints their
# count
parser_lines() {
    found=0
    if [ -s "$1" ] && python3 "$top/tests/libvirt-parse.py" "$(doc_kind "$kind")" <"$1" \
        >"$1.parsed" 2>/dev/null; then
        while IFS="$(printf '\t')" read -r f verdict msg; do
            [ "$verdict" = "$2" ] || continue
            found=$((found + 1))
            [ "$2" = ok ] && msg=$(grep -F "$f:" "$d/verr" | head -n 1 | sed 's/^[^:]*:[0-9]*:[0-9]*: error: //')
            echo "$3 $kind $(basename "$f"): $5: $msg" >>"$d/dis"
            [ -n "$keep" ] && mkdir -p "$keep/$kind/$4" && cp "$f" "$keep/$kind/$4/"
        done <"$1.parsed"
    fi
    echo "$found"
}

status=0
for kind in $kinds; do
    o=$(oracle_schema "$kind")
    v=$(virtc_schema "$kind")
    [ -r "$o" ] && [ -r "$v" ] || { echo "schema-diff $kind: no schema"; continue; }
    d=$tmp/$kind
    mkdir -p "$d"
    if [ -f "$corpus/labels.tsv" ]; then
        awk -F'\t' -v k="$(doc_kind "$kind")" '$2 == k { print $1 }' "$corpus/labels.tsv" |
            sed "s|^|$corpus/|"
    fi | $gen $(gen_mode "$kind") --schema "$o" --other "$v" --out "$d" --count "$count" --seed "$seed" \
        >"$d/list" || { echo "schema-diff $kind: the generator failed" >&2; exit 2; }
    # the oracle and virtc's schema, each document within $bound s:
    # "FILE<TAB>valid|invalid|timeout" per file; then virtc validate, which
    # also runs the checks a schema cannot make (a domain must lower to
    # the IR)
    $judge --schema "$o" <"$d/list" >"$d/oracle-out" || {
        echo "schema-diff $kind: libvirt's schema cannot judge" >&2; exit 2; }
    if ! $judge --schema "$v" <"$d/list" >"$d/schema-out" 2>"$d/schema-err"; then
        echo "schema-diff $kind: virtc's schema does not compile: $(head -n 1 "$d/schema-err")" >&2
        exit 2
    fi
    verdicts "$d/oracle-out" valid >"$d/oracle-ok"
    verdicts "$d/oracle-out" timeout >"$d/oracle-slow"
    verdicts "$d/schema-out" valid >"$d/schema-ok"
    verdicts "$d/schema-out" timeout >"$d/schema-slow"
    (cd / && xargs -d '\n' "$VIRTC" validate -q -j 2 --type "$(doc_kind "$kind")" <"$d/list") \
        2>"$d/verr" >/dev/null
    sed -n 's|^\([^:]*\):[0-9]*:[0-9]*: error: .*|\1|p' "$d/verr" | sort -u >"$d/virtc-bad"
    n=0 agree=0 beyond=0 order=0 slow=0
    : >"$d/dis"
    : >"$d/order-cand"
    while read -r f; do
        n=$((n + 1))
        if grep -qxF "$f" "$d/oracle-ok"; then lv=valid; else lv=invalid; fi
        if grep -qxF "$f" "$d/schema-ok"; then sv=valid; else sv=invalid; fi
        grep -qxF "$f" "$d/schema-slow" && sv="nothing in time"
        if grep -qxF "$f" "$d/virtc-bad"; then vv=invalid; else vv=valid; fi
        why=$(grep -F "$f:" "$d/verr" | head -n 1 | sed 's/^[^:]*:[0-9]*:[0-9]*: error: //')
        if grep -qxF "$f" "$d/oracle-slow"; then
            # no verdict from libvirt's schema under libxml2: neither agreeing
            # nor disagreeing; jing (no backtracking) says what RelaxNG says
            slow=$((slow + 1))
            echo "TIMEOUT $kind $(basename "$f"): oracle timed out: libxml2 gave no verdict within $bound s of CPU time on libvirt's schema ($(jing_verdict "$o" "$f"); virtc's schema says $sv)" >>"$d/dis"
            [ -n "$keep" ] && mkdir -p "$keep/$kind/timeout" && cp "$f" "$keep/$kind/timeout/"
            continue
        fi
        if grep -qxF "$f" "$d/schema-slow"; then
            # virtc's own schema must never be that slow: a disagreement
            echo "DIFF $kind $(basename "$f"): virtc's schema gave no verdict within $bound s (libxml2)" >>"$d/dis"
            echo "$f" >>"$d/diff-files"
            [ -n "$keep" ] && mkdir -p "$keep/$kind" && cp "$f" "$keep/$kind/"
            continue
        fi
        if [ "$lv" = "$sv" ]; then
            agree=$((agree + 1))
            # both schemas and virtc validate take it: libvirt's parser
            # may still refuse it (below)
            [ "$lv" = valid ] && [ "$vv" = valid ] && echo "$f" >>"$d/taken-files"
            if [ "$vv" != "$lv" ]; then
                # both schemas accept it; virtc's front end refuses it, as
                # libvirt's parser refuses what its schema lets through
                beyond=$((beyond + 1))
                [ -n "$onlydiff" ] || echo "BEYOND $kind $(basename "$f"): both schemas accept it, virtc validate refuses it: $why" >>"$d/dis"
                [ "$lv" = valid ] && echo "$f" >>"$d/beyond-files"
            fi
            continue
        fi
        case " $UNORDERED " in
        *" $kind "*) [ "$lv" = invalid ] && { echo "$f" >>"$d/order-cand"; continue; } ;;
        esac
        echo "DIFF $kind $(basename "$f"): libvirt says $lv, virtc says $sv${why:+: $why}" >>"$d/dis"
        echo "$f" >>"$d/diff-files"
        [ -n "$keep" ] && mkdir -p "$keep/$kind" && cp "$f" "$keep/$kind/"
    done <"$d/list"
    if [ -s "$d/order-cand" ]; then
        mkdir -p "$d/order"
        $gen reorder --schema "$o" --out "$d/order" --count 4 --seed "$seed" \
            <"$d/order-cand" >"$d/order-list"
        cut -f 2 "$d/order-list" | $judge --schema "$o" >"$d/order-out"
        verdicts "$d/order-out" valid >"$d/order-ok"
        # jing prints one "FILE:LINE:COL: error: ..." line per error
        if command -v jing >/dev/null; then
            (cd / && xargs -d '\n' jing "$o" <"$d/order-cand") 2>/dev/null |
                sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u >"$d/jing-bad"
            relaxng="libxml2's interleave; jing takes it"
        else
            : >"$d/jing-bad"
            relaxng="unconfirmed: no jing"
        fi
        while read -r f; do
            if ! grep -qxF "$f" "$d/jing-bad" &&
                awk -F'\t' -v f="$f" 'NR == FNR { ok[$0] = 1; next } $1 == f && ($2 in ok) { found = 1 } END { exit !found }' \
                "$d/order-ok" "$d/order-list"; then
                order=$((order + 1))
                echo "ORDER $kind $(basename "$f"): libvirt's schema takes it in another order ($relaxng)" >>"$d/dis"
                echo "$f" >>"$d/order-files"
                [ -n "$keep" ] && mkdir -p "$keep/$kind/order" && cp "$f" "$keep/$kind/order/"
            else
                echo "DIFF $kind $(basename "$f"): libvirt says invalid, virtc says valid" >>"$d/dis"
                echo "$f" >>"$d/diff-files"
                [ -n "$keep" ] && mkdir -p "$keep/$kind" && cp "$f" "$keep/$kind/"
            fi
        done <"$d/order-cand"
    fi
    # libvirt's own parser (libvirt 9.0's, tests/libvirt-parse.py, where
    # it can run) on the documents both schemas accept: taking one virtc
    # validate refuses (its front end too strict) or refusing one it
    # takes (a check the front end lacks) is a disagreement too
    parsed=$(parser_lines "$d/beyond-files" ok PARSER parser \
        "libvirt's parser takes it, virtc validate refuses it")
    looser=$(parser_lines "$d/taken-files" refused LOOSER looser \
        "libvirt's parser refuses it, virtc validate takes it")
    more=""
    case " $UNORDERED " in
    *" $kind "*) more="; $order refused by libvirt's schema only in the order given" ;;
    esac
    echo "schema-diff $kind: $agree/$n agree ($beyond refused by virtc's checks beyond the schema, $parsed of them taken by libvirt's parser; $looser taken by virtc validate and refused by libvirt's parser$more; $slow oracle timed out)"
    cat "$d/dis"
    if [ -n "$shrink" ]; then
        min=${keep:-$tmp}/$kind/min
        mkdir -p "$min"
        anyorder=""
        case " $UNORDERED " in *" $kind "*) anyorder=--any-order ;; esac
        [ -s "$d/diff-files" ] && $gen shrink $anyorder --schema "$o" --other "$v" \
            --names libvirt,virtc --out "$min" <"$d/diff-files"
        [ -s "$d/order-files" ] && $gen shrink --order --schema "$o" \
            --names libvirt --out "$min" <"$d/order-files"
    fi
    [ $((agree + order + slow)) -eq "$n" ] || status=1
done
exit $status
