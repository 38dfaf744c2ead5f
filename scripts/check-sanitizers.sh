#!/usr/bin/env bash
# make check-sanitizers: the unit and simulator tests under AddressSanitizer (+ LeakSanitizer),
# then ThreadSanitizer, including each hark and hark-sim they start (built with the same
# sanitizer). Any report fails the run; so does a test run that never ends.
#
# SANITIZER_TEST_FILTER picks the tests (`make check-sanitizers`: every target but
# EndToEndTests, which run whole appliances for seconds each and under a 5-15x slowdown starve
# the other suites; SANITIZER_TEST_FILTER=. runs them too).
#
#   scripts/check-sanitizers.sh [address|thread]...     default: address thread
#
# Each sanitizer has its own scratch path (.build-asan, .build-tsan) so the ordinary build's
# cache stays as it is. Every process (the test runner and each hark / hark-sim it starts)
# writes its reports to <scratch>/sanitizer-reports/report.<pid>: a report from a child process
# is caught even when the test that started it passes. Suppressions: scripts/sanitizers/.
#
# A sanitizer report fails the run. A test that fails without a report (timing assertions
# under a 5-15x slowdown: real-time PulseAudio pacing, "within 3 s" checks) is listed but does
# not, unless SANITIZER_STRICT_TESTS=1; the README lists the ones seen and why.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
here=$(pwd)
status=0
summary=()

for sanitizer in "${sanitizers[@]}"; do
    case $sanitizer in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
        *) echo "check-sanitizers: unknown sanitizer '$sanitizer' (address or thread)" >&2; exit 2 ;;
    esac
    mkdir -p "$scratch"
    reports="$here/$scratch/sanitizer-reports"
    started=$(date +%s)
    echo "check-sanitizers: building with -sanitize=$sanitizer into $scratch"
    # Progress lines and gold's notes on the sanitizer runtime's own local symbols are noise.
    build_ok=true
    "$SWIFT" build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" > "$scratch/sanitizer-build.log" 2>&1 || build_ok=false
    grep -vE "^\[[0-9]+/[0-9]+\]|Cannot export local symbol '__(asan|tsan)" "$scratch/sanitizer-build.log" || true
    $build_ok || { echo "check-sanitizers: $sanitizer build failed" >&2; exit 1; }
    built=$(date +%s)
    rm -rf "$reports"
    mkdir -p "$reports"
    log="$here/$scratch/sanitizer-tests.log"
    tests_ok=true
    ASAN_OPTIONS="log_path=$reports/report:detect_leaks=1:detect_stack_use_after_return=0" \
    LSAN_OPTIONS="suppressions=$here/scripts/sanitizers/lsan.supp:print_suppressions=0" \
    TSAN_OPTIONS="log_path=$reports/report:halt_on_error=0:second_deadlock_stack=1:suppressions=$here/scripts/sanitizers/tsan.supp" \
        scripts/bounded-test-run.sh "${SANITIZER_TEST_LIMIT_S:-1500}" \
            "$SWIFT" test --skip-build --scratch-path "$scratch" --filter "${SANITIZER_TEST_FILTER:-.}" > "$log" 2>&1 \
            || { [ $? -ne 124 ] || { echo "check-sanitizers: the $sanitizer test run did not end" >&2; status=1; }; tests_ok=false; }
    finished=$(date +%s)
    # The runner's own closing line stays in the log: the make test run is the suite of record.
    ran=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -1 || echo "?")
    found=$(find "$reports" -type f | sort)
    if [ -n "$found" ]; then
        status=1
        echo "check-sanitizers: $sanitizer reports:" >&2
        for report in $found; do
            echo "----- $report" >&2
            head -80 "$report" >&2
        done
    fi
    if ! $tests_ok; then
        [ "${SANITIZER_STRICT_TESTS:-0}" != 1 ] || status=1
        echo "check-sanitizers: tests failing under $sanitizer without a sanitizer report (see $log):" >&2
        grep -E '✘ Test .* failed after' "$log" | grep -v '✘ Test run with' | sed 's/ failed after.*//' | sort -u >&2 || true
    fi
    failing=$(grep -E '✘ Test .* failed after' "$log" | grep -v '✘ Test run with' | sed 's/ failed after.*//' | sort -u | grep -c . || true)
    summary+=("$(printf '%-8s build %4ss, %s tests in %4ss, %s sanitizer report(s), %s test(s) failing without a report' \
        "$sanitizer" $((built - started)) "$ran" $((finished - built)) "$(echo -n "$found" | grep -c . || true)" "$failing")")
done

printf 'check-sanitizers: %s\n' "${summary[@]}"
exit $status
