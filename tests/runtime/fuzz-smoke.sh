#!/bin/sh
# Every libFuzzer harness (tests/fuzz/fuzz_*.c) for a few seconds under
# ASan and UBSan, seeded from its checked-in corpus, so that a regression
# in a parser fails `make check`. `make fuzz` and tests/fuzz/README.md are
# for the long runs. FUZZ_SECONDS sets the time per harness (default 3).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-3}
. "$top/tests/helpers/scratch.sh"
if ! make -s fuzz >"$tmp/build.log" 2>&1; then
    echo "FAIL fuzz/build: $(tail -n 5 "$tmp/build.log" | tr '\n' ' ')"
    exit 0
fi

# The dictionary of a harness: tests/fuzz/NAME.dict, else the XML one for
# the harnesses that read XML.
dict_of() {
    if [ -f "tests/fuzz/$1.dict" ]; then echo "tests/fuzz/$1.dict"; return; fi
    case $1 in
    fuzz_domain_xml|fuzz_validate|fuzz_qemu_caps|fuzz_argv) echo tests/fuzz/fuzz_xml.dict ;;
    esac
}

for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    bin=build/fuzz/$name
    if [ ! -x "$bin" ]; then echo "FAIL fuzz/$name: not built"; continue; fi
    mkdir -p "$tmp/$name"
    seeds=tests/fuzz/corpus/$name
    dict=$(dict_of "$name")
    # The seeds directory is read, never written: new inputs go to $tmp.
    # shellcheck disable=SC2086
    # A fixed seed: the same inputs are tried in the same order on every run,
    # so a finding in CI is one a developer meets too.
    if "$bin" -seed=1 -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="build/fuzz/smoke-$name-" ${dict:+-dict=$dict} \
            "$tmp/$name" $( [ -d "$seeds" ] && echo "$seeds" ) >"$tmp/$name.log" 2>&1; then
        echo "PASS fuzz/$name"
    else
        echo "FAIL fuzz/$name: $(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$tmp/$name.log")"
        ls "build/fuzz/smoke-$name-"* 2>/dev/null | head -n 3 | sed 's/^/    reproducer: /'
    fi
done
