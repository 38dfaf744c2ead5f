#!/usr/bin/env bash
# Runs every VM test script (Tests/vm/*.sh except run-*.sh, guest-*.sh), one VM boot each,
# and ends with "N passed, N failed" counted over the checks the scripts report
# ("ok - ..." / "not ok - ..."). A script that fails without reporting a failed check
# (crash, timeout, guest never came up) counts as one failed check. Exit 0 only when none failed.
#
#   Tests/vm/run-tests.sh [TEST_SCRIPT...]
#
# Environment (passed on into the guest):
#   HARK_BIN          the hark executable the tests run (default: <repo>/.build/debug/hark)
#   HARK_SIM_BIN      the hark-sim executable (default: hark-sim beside HARK_BIN)
#   HARK_AUDIO_TOOL   hark (default) or alsa-utils (aplay/arecord stand-ins, no hark needed)
#   HARK_VM_RESULTS   where each test's OUT_DIR goes (default: a new temp dir); recordings,
#                     logs and the guest console stay there for a failed run
# plus HARK_VM_CACHE / HARK_VM_TIMEOUT of run-vm.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export HARK_BIN=${HARK_BIN:-$repo/.build/debug/hark}
case $HARK_BIN in /*) ;; *) HARK_BIN=$(pwd)/$HARK_BIN ;; esac
# The simulator beside it, and the repository (fixtures) for tests that hold a whole session.
export HARK_SIM_BIN=${HARK_SIM_BIN:-$(dirname "$HARK_BIN")/hark-sim}
export HARK_REPO=${HARK_REPO:-$repo}
results=${HARK_VM_RESULTS:-$(mktemp -d /tmp/hark-vm-tests.XXXXXX)}

if [ $# -gt 0 ]; then tests=("$@"); else
  tests=(); for t in "$here"/*.sh; do
    case $(basename "$t") in run-*|guest-*) ;; *) tests+=("$t") ;; esac
  done
fi

passed=0; failed=0; start=$SECONDS
if [ "${HARK_AUDIO_TOOL:-hark}" = hark ] && [ ! -x "$HARK_BIN" ]; then
  echo "not ok - no hark executable at $HARK_BIN: build it (swift build) or set HARK_BIN;"
  echo "#        HARK_AUDIO_TOOL=alsa-utils runs the tests with aplay/arecord instead"
  echo "0 passed, 1 failed"
  exit 1
fi
for t in "${tests[@]}"; do
  name=$(basename "$t" .sh); out="$results/$name"
  rm -rf "$out"; mkdir -p "$out"
  echo "== $name"
  t0=$SECONDS
  HARK_VM_QUIET=1 "$here/run-vm.sh" "$t" "$out"; rc=$?
  # The guest console holds the test's output among kernel messages; keep the test's lines.
  grep -E '^(ok|not ok) - |^#' "$out/console.log" | tr -d '\r' | tee "$out/report.txt"
  p=$(grep -c '^ok - ' "$out/report.txt"); f=$(grep -c '^not ok - ' "$out/report.txt")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "not ok - $name exited $rc without reporting a failed check (see $out/console.log)"
    f=1
  fi
  echo "== $name: $p passed, $f failed, $((SECONDS - t0)) s (results in $out)"
  passed=$((passed + p)); failed=$((failed + f))
done
echo "VM tests took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
