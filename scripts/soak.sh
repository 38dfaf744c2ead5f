#!/usr/bin/env bash
# make soak: TURNS (default 1000) turns of `hark run` against hark-sim with faults injected at
# random, on loopback with ALSA file PCMs (as the end-to-end tests do).
#
#   scripts/soak.sh HARK HARK_SIM [TURNS] [SEED]
#
# Prints, every 50 turns, hark's RSS, open file descriptors and threads (from /proc), and at
# the end: turns completed (answered with speech), failed cleanly (ended without speech, as a
# fault makes them), hung (no transcript line for HANG_SECONDS, default 60, ends the run), the
# faults injected and the wall time. Exit status 1 if a turn hung or the run did not finish.
set -euo pipefail

hark=${1:?usage: scripts/soak.sh HARK HARK_SIM [TURNS] [SEED]}
sim=${2:?usage: scripts/soak.sh HARK HARK_SIM [TURNS] [SEED]}
turns=${3:-1000}
seed=${4:-$RANDOM}
hang_seconds=${HANG_SECONDS:-60}
repository=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hark-soak-XXXXXX")
sim_pid="" hark_pid=""
cleanup() {
    [ -z "$hark_pid" ] || kill "$hark_pid" 2>/dev/null || true
    [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
RANDOM=$seed

# Faults at random, about one turn in eight: each armed once `after_events` events were
# accepted (a turn sends 4 to 6 events), so they land all through the run.
kinds=(close_downchannel drop_mid_recognize goaway reject_token malformed_json malformed_multipart
       missing_boundary missing_attachment huge_part_headers "status429" "status503" stall)
{
    echo "[server]"
    echo "speak_chunk_pause_ms = 5"
    echo "[[recognize]]"
    echo "stop_capture_after_ms = 600"
    faults=$((turns / 8 + 1))
    for ((i = 0; i < faults; i++)); do
        kind=${kinds[RANDOM % ${#kinds[@]}]}
        after=$(( (RANDOM * 32768 + RANDOM) % (turns * 4 + 1) ))
        echo "[[fault]]"
        case $kind in
            status429) printf 'kind = "status"\nstatus = 429\ntarget = "events"\n' ;;
            status503) printf 'kind = "status"\nstatus = 503\ntarget = "any"\n' ;;
            stall) printf 'kind = "stall"\ntarget = "events"\nstall_ms = 3000\n' ;;
            close_downchannel | goaway) printf 'kind = "%s"\nafter_ms = %d\n' "$kind" $((RANDOM % 2000)) ;;
            drop_mid_recognize) printf 'kind = "%s"\nafter_ms = 200\n' "$kind" ;;
            *) printf 'kind = "%s"\n' "$kind" ;;
        esac
        [ "$kind" = close_downchannel ] || [ "$kind" = goaway ] || echo "after_events = $after"
        echo "$kind" >> "$work/faults"
    done
} > "$work/scenario.toml"

"$sim" --scenario "$work/scenario.toml" --run-dir "$work/sim" --port-file "$work/port" > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "soak: hark-sim did not start: $(cat "$work/sim.err")" >&2; exit 1; }
port=$(cat "$work/port")

mkdir -p "$work/state"
echo "Atzr|hark-sim-refresh" > "$work/state/refresh-token"
sox "$repository/Fixtures/what-time-is-it-16k-mono.wav" -t raw -e signed-integer -b 16 -r 16000 -c 1 "$work/mic.raw"
cat > "$work/asound.conf" <<CONF
pcm.soak_mic { type file slave.pcm "null" file "/dev/null" infile "$work/mic.raw" format "raw" }
pcm.soak_speaker { type file slave.pcm "null" file "/dev/null" format "raw" }
CONF
cat > "$work/hark.toml" <<CONF
[avs]
endpoint = "https://127.0.0.1:$port"
ca_file = "$work/sim/ca.pem"
[auth]
lwa_url = "https://127.0.0.1:$port/auth/O2"
client_id = "hark-sim-client"
product_id = "hark-soak"
device_serial = "soak-0001"
[state]
dir = "$work/state"
[audio]
capture_device = "soak_mic"
playback_device = "soak_speaker"
[session]
trigger = "none"
CONF

started=$(date +%s)
ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$work/asound.conf" HARK_LOG_LEVEL=notice \
    "$hark" run --config "$work/hark.toml" --transcript --turns "$turns" --tap-after 50 --timeout $((turns * 30)) \
    > "$work/transcript" 2> "$work/hark.err" &
hark_pid=$!

sample() {
    local rss fds threads
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$hark_pid/status" 2>/dev/null || echo "?")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$hark_pid/status" 2>/dev/null || echo "?")
    fds=$(ls "/proc/$hark_pid/fd" 2>/dev/null | wc -l)
    printf 'soak: turn %5d  %4ds  rss %6s kB  fds %3s  threads %3s\n' "$1" $(($(date +%s) - started)) "$rss" "$fds" "$threads"
}

next_sample=0 hung=0 last_lines=0 last_change=$(date +%s)
while kill -0 "$hark_pid" 2>/dev/null; do
    lines=$(wc -l < "$work/transcript")
    now=$(date +%s)
    if [ "$lines" != "$last_lines" ]; then last_lines=$lines last_change=$now; fi
    begun=$(grep -c "→ SpeechRecognizer.Recognize (" "$work/transcript" || true)
    if [ "$begun" -ge "$next_sample" ]; then
        sample "$begun"
        next_sample=$((next_sample + 50))
    fi
    if [ $((now - last_change)) -ge "$hang_seconds" ]; then
        hung=1
        echo "soak: no progress for $hang_seconds s after turn $begun: hung; last lines:" >&2
        tail -5 "$work/transcript" >&2
        kill "$hark_pid"
        break
    fi
    sleep 0.5
done
status=0
wait "$hark_pid" || status=$?
hark_pid=""
elapsed=$(($(date +%s) - started))

# One turn per Recognize: answered if a SpeechFinished follows before the next Recognize.
read -r begun answered < <(awk '
    /→ SpeechRecognizer.Recognize \(/ { begun++; open = 1 }
    /→ SpeechSynthesizer.SpeechFinished/ { if (open) { answered++; open = 0 } }
    END { print begun + 0, answered + 0 }' "$work/transcript")
failed=$((begun - answered))
echo "soak: seed $seed, $turns turns asked, $begun begun: $answered completed, $failed failed cleanly, $hung hung; hark exit $status; ${elapsed}s ($(awk "BEGIN {printf \"%.2f\", $elapsed / ($begun > 0 ? $begun : 1)}") s/turn)"
echo "soak: faults in the scenario: $(sort "$work/faults" | uniq -c | awk '{printf "%s %s, ", $1, $2}')"
echo "soak: simulator log: $(grep -c 'injected fault' "$work/sim/events.log" || true) injected-fault notes, $(grep -cvE ' (200|204) ' "$work/sim/events.log" || true) non-2xx answers; hark log: $(grep -c '^<3>' "$work/hark.err" || true) errors, $(grep -c '^<4>' "$work/hark.err" || true) warnings"
echo "soak: files in $work"
trap - EXIT
kill "$sim_pid" 2>/dev/null || true
wait 2>/dev/null || true
[ "$hung" = 0 ] && [ "$status" = 0 ]
