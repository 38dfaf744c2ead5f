#!/usr/bin/env bash
# `make demo`: one whole turn with Alexa, played against the local AVS simulator (hark-sim),
# with no sound card and no Amazon account needed.
#
#   1. hark-sim starts on loopback with a CA made for this run (TLS is verified as usual).
#   2. `hark login` links the device through the simulator's Login with Amazon code pair
#      (the "user" approves after one poll) and stores the refresh token in a state directory.
#   3. `hark run` connects (downchannel, SynchronizeState), taps, and streams the spoken
#      request (Fixtures/what-time-is-it-16k-mono.wav) as Opus from an ALSA `file` PCM whose
#      `infile` is the request, over the `pulse` PCM of a private PulseAudio daemon with a
#      null source: the null source paces the reads, so the request arrives in real time like
#      speech. The simulator answers StopCapture, then Speak with an MP3; Hark plays it while it
#      downloads (to the sound card when there is one, else into a WAV file through a `file`
#      PCM paced by the daemon's null sink) and reports SpeechStarted and SpeechFinished.
#   4. The transcript of the turn, with times, and what the simulator recorded.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-.build/debug}
bin=$(cd "$bin" && pwd)
hark=$bin/hark
sim=$bin/hark-sim
request=Fixtures/what-time-is-it-16k-mono.wav
mkdir -p out/demo
out=$(cd out/demo && pwd)
rm -rf "$out/sim" "$out/state" "$out/reply.wav" "$out/sim.port"

for tool in sox soxi pulseaudio pactl parec; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing; run 'make deps'" >&2; exit 1; }
done

cleanup() {
    [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    [ -n "${keeper:-}" ] && kill "$keeper" 2>/dev/null
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    [ -n "${pulse:-}" ] && rm -rf "$pulse"
    return 0
}
trap cleanup EXIT

# A private PulseAudio daemon: its own socket, nothing of the machine's sound setup touched.
pulse=$(mktemp -d /tmp/hark-demo-pulse.XXXXXX)
echo "autospawn = no" > "$pulse/client.conf"
HOME=$pulse XDG_RUNTIME_DIR=$pulse pulseaudio -n -F /dev/null --daemonize=no --system=false \
    --use-pid-file=no --exit-idle-time=-1 --realtime=no --high-priority=no --disable-shm=yes \
    --log-level=error \
    "--load=module-null-source source_name=hark_demo_mic rate=16000 channels=1" \
    "--load=module-null-sink sink_name=hark_demo_speaker" \
    "--load=module-native-protocol-unix socket=$pulse/native auth-anonymous=1" \
    2>"$pulse/pulseaudio.log" &
daemon=$!
pulse_env=("PULSE_SERVER=unix:$pulse/native" "PULSE_CLIENTCONFIG=$pulse/client.conf")
for _ in $(seq 50); do env "${pulse_env[@]}" pactl info >/dev/null 2>&1 && break; sleep 0.1; done
env "${pulse_env[@]}" pactl info >/dev/null 2>&1 \
    || { echo "demo: pulseaudio did not start: $(cat "$pulse/pulseaudio.log")" >&2; exit 1; }
# An idle null sink renders in blocks of up to 2 s; a 10 ms stream on its monitor keeps its
# blocks small, so the reply's last block does not wait (as the PulseAudio tests do).
env "${pulse_env[@]}" parec --device=hark_demo_speaker.monitor --latency-msec=10 --raw --rate=8000 \
    --channels=1 > "$pulse/keeper.raw" 2>/dev/null &
keeper=$!
for _ in $(seq 150); do [ -s "$pulse/keeper.raw" ] && break; sleep 0.02; done

sox "$request" -t raw -e signed-integer -b 16 -r 16000 -c 1 "$out/mic.raw"
cat > "$out/asound.conf" <<CONF
pcm.hark_demo_mic {
    type file
    slave.pcm "pulse"
    file "/dev/null"
    infile "$out/mic.raw"
    format "raw"
}
pcm.hark_demo_speaker {
    type file
    slave.pcm "pulse"
    file "$out/reply.wav"
    format "wav"
}
CONF

# The simulator: StopCapture once the whole request (1.3 s) has arrived, Speak 100 ms later.
request_ms=$(soxi -D "$request" | awk '{ printf "%d", $1 * 1000 + 100 }')
cat > "$out/scenario.toml" <<CONF
[server]
response_delay_ms = 100
[auth]
poll_interval_s = 1
pending_polls = 1
slow_down_polls = []
[[recognize]]
speak_mp3 = "$PWD/Fixtures/ten-oclock-24k-mono.mp3"
stop_capture_after_ms = $request_ms
CONF
"$sim" --scenario "$out/scenario.toml" --run-dir "$out/sim" --port-file "$out/sim.port" > "$out/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$out/sim.port" ] && break; sleep 0.05; done
[ -s "$out/sim.port" ] || { echo "demo: hark-sim did not start: $(cat "$out/sim.out")" >&2; exit 1; }
port=$(cat "$out/sim.port")

if [ -s /proc/asound/cards ] && ! grep -q "no soundcards" /proc/asound/cards; then
    speaker_line="# playback_device: automatic (a sound card is present)"
    reply_to="the sound card"
else
    speaker_line="playback_device = \"hark_demo_speaker\""
    reply_to="$out/reply.wav (no sound card here)"
fi
cat > "$out/hark.toml" <<CONF
[avs]
endpoint = "https://127.0.0.1:$port"
ca_file = "$out/sim/ca.pem"
[auth]
lwa_url = "https://127.0.0.1:$port/auth/O2"
client_id = "hark-sim-client"
product_id = "hark-demo"
device_serial = "demo-0001"
[state]
dir = "$out/state"
[audio]
capture_device = "hark_demo_mic"
$speaker_line
mic_format = "opus"
[session]
trigger = "none"
[feedback]
# The speaker may be a file PCM recording the reply: earcons, a second stream, would overwrite it.
earcons = false
[control]
socket = "$out/control.sock"
[log]
level = "warning"
CONF
hark_env=(env "${pulse_env[@]}" "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$out/asound.conf")

echo "== hark-sim: https://127.0.0.1:$port, CA $out/sim/ca.pem"
echo "== hark login (code-based linking against the simulator's Login with Amazon)"
timeout 60 "${hark_env[@]}" "$hark" login --config "$out/hark.toml" | sed 's/^/   /'
echo "== hark run: one turn; microphone = $request, reply to $reply_to"
"${hark_env[@]}" "$hark" run --config "$out/hark.toml" --tap-after 200 --turns 1 --timeout 30 --transcript \
    | sed 's/^/   /'
echo "== what the simulator received"
sed 's/^/   /' "$out/sim/events.log"
recording=$(ls "$out"/sim/*SpeechRecognizer.Recognize.wav | head -1)
echo "   request audio decoded back by the simulator: $recording ($(soxi -D "$recording") s)"
if [ -s "$out/reply.wav" ]; then
    echo "   reply played into $out/reply.wav: $(soxi -D "$out/reply.wav") s at $(soxi -r "$out/reply.wav") Hz"
fi
echo "demo: done; files in $out"
