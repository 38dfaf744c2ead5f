#!/usr/bin/env bash
# `make bench-session`: the session's numbers on loopback against hark-sim, release build.
#
#   reply latency   end of the user's audio (microphone closed on StopCapture) → first reply
#                   sample written to the ALSA PCM, minus the simulator's own response delay;
#                   median of 5 turns (ALSA file PCMs over `null`, so the device adds nothing)
#   start → connected  process start → downchannel open and SynchronizeState answered
#   steady RSS, idle CPU  connected and idle for 10 s (after 2 s to settle)
#   binary size     the release `hark`, static Swift stdlib, stripped
set -euo pipefail
cd "$(dirname "$0")/.."
hark=${1:?usage: bench-session.sh RELEASE_HARK [HARK_SIM]}
sim=${2:-.build/debug/hark-sim}
delay_ms=100
work=$(mktemp -d /tmp/hark-bench.XXXXXX)
cleanup() { [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null; [ -n "${idle_pid:-}" ] && kill "$idle_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

sox Fixtures/what-time-is-it-16k-mono.wav -t raw -e signed-integer -b 16 -r 16000 -c 1 "$work/mic.raw"
cat > "$work/asound.conf" <<CONF
pcm.bench_mic { type file slave.pcm "null" file "/dev/null" infile "$work/mic.raw" format "raw" }
pcm.bench_speaker { type file slave.pcm "null" file "/dev/null" format "raw" }
CONF
cat > "$work/scenario.toml" <<CONF
[server]
response_delay_ms = $delay_ms
speak_chunk_pause_ms = 0
[[recognize]]
stop_capture_after_ms = 1300
CONF
"$sim" --scenario "$work/scenario.toml" --run-dir "$work/sim" --port-file "$work/port" > /dev/null 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
mkdir -p "$work/state"
echo "Atzr|hark-sim-refresh" > "$work/state/refresh-token"
cat > "$work/hark.toml" <<CONF
[avs]
endpoint = "https://127.0.0.1:$port"
ca_file = "$work/sim/ca.pem"
[auth]
lwa_url = "https://127.0.0.1:$port/auth/O2"
client_id = "hark-sim-client"
product_id = "hark-bench"
device_serial = "bench"
[state]
dir = "$work/state"
[audio]
capture_device = "bench_mic"
playback_device = "bench_speaker"
[session]
trigger = "none"
[feedback]
# The speaker may be a file PCM recording the reply: earcons, a second stream, would overwrite it.
earcons = false
[control]
socket = "$work/control.sock"
[log]
level = "error"
CONF
export ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$work/asound.conf"

"$hark" run --config "$work/hark.toml" --transcript --turns 5 --tap-after 50 --timeout 60 > "$work/turns.txt"
latencies=$(awk -v delay="$delay_ms" '
    /microphone closed/ { closed = $2 }
    /first reply sample written/ { print $2 - closed - delay }' "$work/turns.txt" | sort -n)
median=$(echo "$latencies" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
connected=$(awk '/connected and synchronized/ { print $2; exit }' "$work/turns.txt")

"$hark" run --config "$work/hark.toml" > /dev/null 2>&1 &
idle_pid=$!
sleep 2
ticks() { awk '{ print $14 + $15 }' "/proc/$idle_pid/stat"; }
before=$(ticks)
sleep 10
after=$(ticks)
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$idle_pid/status")
hz=$(getconf CLK_TCK)
cpu=$(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * t / hz / 10 }')
kill "$idle_pid"; wait "$idle_pid" 2>/dev/null || true; idle_pid=

cp "$hark" "$work/hark-stripped"; strip "$work/hark-stripped"
size=$(stat -c %s "$work/hark-stripped")

printf '%-52s %s\n' "reply latency beyond the simulator's ${delay_ms} ms (median of 5):" "${median} ms (all: $(echo $latencies | tr '\n' ' ')) — goal ≤ 100 ms"
printf '%-52s %s\n' "hark run start → connected:" "${connected} ms — goal ≤ 300 ms"
printf '%-52s %s\n' "steady RSS, connected and idle:" "$((rss_kb / 1024)) MB (${rss_kb} kB) — goal ≤ 20 MB"
printf '%-52s %s\n' "idle CPU while connected (10 s):" "${cpu} % of a core — goal ≤ 0.2 %"
printf '%-52s %s\n' "stripped binary size:" "$((size / 1024 / 1024)) MB (${size} bytes) — goal ≤ 16 MB"
