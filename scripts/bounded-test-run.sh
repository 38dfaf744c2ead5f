#!/usr/bin/env bash
# Runs a `swift test` command with a time limit, for `make test`.
#
#   scripts/bounded-test-run.sh SECONDS COMMAND...
#
# Output passes through unchanged (and is kept in a temporary file). Past the limit the run is
# ended (the test process too, which `swift test` starts as its child), and the tests that
# started but never finished are named: a test that waits for ever fails the run at once
# instead of silently holding it until CI's own limit. Exit status: the command's, or 124 on
# timeout.
set -uo pipefail
limit=${1:?usage: bounded-test-run.sh SECONDS COMMAND...}
shift
log=$(mktemp /tmp/hark-test-run.XXXXXX)
trap 'rm -f "$log"' EXIT

# setsid: the command and everything it starts form one process group to end together.
setsid "$@" > >(tee "$log") 2>&1 &
pid=$!
deadline=$((SECONDS + limit))
while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 1; done
if kill -0 "$pid" 2>/dev/null; then
    echo "bounded-test-run: not finished after $limit s; tests that started and never ended:" >&2
    sed -nE 's/^.*◇ Test (.*) started\.$/\1/p' "$log" | sort > "$log.started"
    sed -nE 's/^.*[✔✘] Test (.*) (passed|failed) after .*$/\1/p' "$log" | sort -u > "$log.ended"
    comm -23 "$log.started" "$log.ended" | sed 's/^/  /' >&2
    rm -f "$log.started" "$log.ended"
    kill -TERM -- "-$pid" 2>/dev/null; sleep 5; kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exit 124
fi
wait "$pid"
