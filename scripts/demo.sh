#!/usr/bin/env bash
# `make demo`: one audio round trip on Hark's own defaults, with no sound card needed.
#
#   1. The spoken request (Fixtures/what-time-is-it-16k-mono.wav) is the microphone: an ALSA
#      `file` PCM whose `infile` is the request, over the `pulse` PCM of a private PulseAudio
#      daemon with a null source. The file plugin replaces the samples with the request's; the
#      null source paces the reads, so the request arrives in real time like speech.
#      `hark audio record` captures it through the firmware's CaptureEngine as AVS wants it
#      (Opus, 80-byte packets), and once more as L16, which must equal the input exactly.
#   2. The reply (Fixtures/ten-oclock-24k-mono.mp3) is decoded and played by `hark audio play`:
#      to the sound card when there is one, else through a `file` PCM into a WAV file, paced
#      by the same daemon's null sink, so playing takes as long as the speech.
set -euo pipefail
cd "$(dirname "$0")/.."

hark=${1:-.build/debug/hark}
hark=$(cd "$(dirname "$hark")" && pwd)/$(basename "$hark")
request=Fixtures/what-time-is-it-16k-mono.wav
reply=Fixtures/ten-oclock-24k-mono.mp3
mkdir -p out/demo
out=$(cd out/demo && pwd)

for tool in sox soxi pulseaudio pactl; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing; run 'make deps'" >&2; exit 1; }
done
now_ms() { date +%s%3N; }

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
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$pulse"' EXIT
pulse_env=(env "PULSE_SERVER=unix:$pulse/native" "PULSE_CLIENTCONFIG=$pulse/client.conf")
for _ in $(seq 50); do "${pulse_env[@]}" pactl info >/dev/null 2>&1 && break; sleep 0.1; done
"${pulse_env[@]}" pactl info >/dev/null 2>&1 \
    || { echo "demo: pulseaudio did not start: $(cat "$pulse/pulseaudio.log")" >&2; exit 1; }

# An idle null sink renders in blocks of up to 2 s, so a stream finishing on it can wait that
# long for its last block; a 10 ms stream kept on its monitor makes it work in small blocks
# (the same keeper the PulseAudio tests use). Its first data means the sink has switched.
"${pulse_env[@]}" parec --device=hark_demo_speaker.monitor --latency-msec=10 --raw --rate=8000 \
    --channels=1 > "$pulse/keeper.raw" 2>/dev/null &
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
demo_env=("${pulse_env[@]}" "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$out/asound.conf")
seconds=$(soxi -D "$request")
input_bytes=$(stat -c %s "$out/mic.raw")

echo "== 1. request: $request ($seconds s) as the microphone"
start=$(now_ms)
"${demo_env[@]}" "$hark" audio record --device hark_demo_mic --seconds "$seconds" "$out/request.opus"
elapsed=$(( $(now_ms) - start ))
opus_bytes=$(stat -c %s "$out/request.opus")
echo "   Opus: $out/request.opus, $opus_bytes bytes = $((opus_bytes / 80)) packets of 80 bytes" \
     "($((opus_bytes % 80)) left over), recorded in $elapsed ms"

"${demo_env[@]}" "$hark" audio record --device hark_demo_mic --seconds "$seconds" "$out/request.l16" 2>/dev/null
if cmp -s "$out/request.l16" "$out/mic.raw"; then
    echo "   L16:  $out/request.l16 equals the input, $input_bytes bytes"
else
    echo "   L16:  $out/request.l16 DIFFERS from the input ($(stat -c %s "$out/request.l16") vs $input_bytes bytes)"
    exit 1
fi

echo "== 2. reply: $reply ($(soxi -D "$reply") s)"
if [ -s /proc/asound/cards ] && ! grep -q "no soundcards" /proc/asound/cards; then
    echo "   sound card found; playing through Hark's automatic device choice:"
    "$hark" audio devices | sed 's/^/   /'
    "$hark" audio play "$reply"
    echo "   played."
else
    echo "   no sound card here; playing into a WAV file instead"
    rm -f "$out/reply.wav"
    start=$(now_ms)
    "${demo_env[@]}" "$hark" audio play --device hark_demo_speaker "$reply"
    elapsed=$(( $(now_ms) - start ))
    echo "   WAV:  $out/reply.wav, $(soxi -D "$out/reply.wav") s at $(soxi -r "$out/reply.wav") Hz," \
         "$(soxi -c "$out/reply.wav") channel(s), played in $elapsed ms"
fi
echo "demo: done; files in $out"
