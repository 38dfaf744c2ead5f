#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a while (see Fuzz/README.md).
#
#   scripts/fuzz.sh SECONDS [TARGET...]     default: every target, SECONDS each
#
# Each target is one swiftc invocation: the module sources it exercises plus its harness, built
# with -sanitize=fuzzer,address into .build-fuzz/<target> (SwiftPM cannot build a product
# without a main function, and libFuzzer supplies main). First the committed regression inputs
# (Fuzz/regressions/<target>/, every crash found so far) are replayed, then the target fuzzes
# from the seed corpus (Fuzz/corpus/<target>/) plus what earlier runs on this machine found
# (.build-fuzz/corpus/<target>/). A crash stops the run with exit status 1; its input is left
# in .build-fuzz/crashes/<target>/ to be fixed and then committed as a regression input.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
SWIFTC=${SWIFTC:-swiftc}
out=.build-fuzz

# target name -> the sources compiled with its harness (one module, so internals are visible).
declare -A sources=(
    [multipart-reader]="Sources/AVS"
    [dialog-session]="Sources/AVS"
    [toml-parser]="Sources/TOML"
    [control-line]="Sources/AVS Sources/Appliance/Runtime/Control/ControlCommand.swift Sources/Appliance/Runtime/Control/ControlLineSplitter.swift"
)
# Longest input per target: multipart bodies need room for a few parts; programs stay short so
# one input runs in well under a millisecond.
declare -A max_len=([multipart-reader]=8192 [dialog-session]=2048 [toml-parser]=4096 [control-line]=4096)

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(multipart-reader dialog-session toml-parser control-line)

harness_of() {
    find "Fuzz/$(echo "$1" | sed -E 's/(^|-)([a-z])/\U\2/g')" -name '*.swift' | sort
}

build() {
    local target=$1
    local files
    # shellcheck disable=SC2086
    files=$(find ${sources[$target]} -name '*.swift' | sort)
    mkdir -p "$out"
    # Everything is compiled as one module, so a file's `import` of another of our modules
    # is dropped (into a copy under $out/src/<target>).
    local copies="$out/src/$target" file
    rm -rf "$copies" && mkdir -p "$copies"
    files=$(for file in $files; do
        if grep -qE '^import (AVS|TOML|Audio|Appliance)$' "$file"; then
            mkdir -p "$copies/$(dirname "$file")"
            sed -E '/^import (AVS|TOML|Audio|Appliance)$/d' "$file" > "$copies/$file"
            echo "$copies/$file"
        else
            echo "$file"
        fi
    done)
    # shellcheck disable=SC2046
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
        -module-name FuzzTarget $files $(harness_of "$target") -o "$out/$target"
}

for target in "${targets[@]}"; do
    [ -n "${sources[$target]:-}" ] || { echo "fuzz: unknown target $target (known: ${!sources[*]})" >&2; exit 2; }
done

echo "fuzz: building ${targets[*]}"
for target in "${targets[@]}"; do build "$target" & done
wait_all=0
for job in $(jobs -p); do wait "$job" || wait_all=1; done
[ "$wait_all" = 0 ] || { echo "fuzz: build failed" >&2; exit 1; }

status=0
summary=()
for target in "${targets[@]}"; do
    corpus="$out/corpus/$target" crashes="$out/crashes/$target" regressions="Fuzz/regressions/$target"
    mkdir -p "$corpus" "$crashes"
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        if ! "$out/$target" -runs=1 "$regressions"/* > "$out/$target.regressions.log" 2>&1; then
            echo "fuzz: $target fails a regression input; see $out/$target.regressions.log" >&2
            tail -30 "$out/$target.regressions.log" >&2
            status=1
            continue
        fi
    fi
    log="$out/$target.log"
    if "$out/$target" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "$corpus" "Fuzz/corpus/$target" > "$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
        grep -E "ERROR|Fatal error|Test unit written|==[0-9]+==" "$log" | head -20 >&2 || true
    fi
    done_line=$(grep -E '^#[0-9]+ +DONE' "$log" | tail -1 || true)
    [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    cov=$(echo "$done_line" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
    features=$(echo "$done_line" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo "?")
    inputs=$(echo "$done_line" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+' || echo "?")
    summary+=("$(printf '%-18s %-5s %5ss %9s runs %7s exec/s  cov %5s edges  ft %6s  corpus %5s' \
        "$target" "$result" "$seconds" "$runs" "$rate" "$cov" "$features" "$inputs")")
done

printf 'fuzz: %s\n' "${summary[@]}"
exit $status
