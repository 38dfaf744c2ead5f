#!/usr/bin/env bash
# Runs the board tests (Tests/board/*.sh except run-tests.sh and lib.sh): the systemd unit,
# install.sh, the Debian package, the Dockerfile's libraries and a container-like turn. Ends
# with "N passed, N failed" over the "ok - ..." / "not ok - ..." lines; exit 0 when none failed.
#
#   Tests/board/run-tests.sh [TEST_SCRIPT...]
#
# HARK_BIN chooses the hark binary (default: out/hark from `make release` when present, else
# .build/debug/hark); HARK_SIM_BIN the simulator (default .build/debug/hark-sim).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -gt 0 ]; then tests=("$@"); else
  tests=(); for t in "$here"/*.sh; do
    case $(basename "$t") in run-tests.sh|lib.sh) ;; *) tests+=("$t") ;; esac
  done
fi
passed=0; failed=0; start=$SECONDS
log=$(mktemp -d /tmp/hark-board-tests.XXXXXX)
for t in "${tests[@]}"; do
  name=$(basename "$t" .sh); t0=$SECONDS
  echo "== $name"
  bash "$t" 2>&1 | tee "$log/$name.txt"; rc=${PIPESTATUS[0]}
  p=$(grep -c '^ok - ' "$log/$name.txt"); f=$(grep -c '^not ok - ' "$log/$name.txt")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then echo "not ok - $name exited $rc without reporting a failed check"; f=1; fi
  echo "== $name: $p passed, $f failed, $((SECONDS - t0)) s"
  passed=$((passed + p)); failed=$((failed + f))
done
rm -rf "$log"
echo "board tests took $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
