#!/usr/bin/env bash
# `make demo`: one audio round trip on Hark's own defaults, with no sound card needed.
#
#   1. The spoken request (Fixtures/what-time-is-it-16k-mono.wav) is the microphone: an ALSA
#      `file` plugin PCM reads it as raw samples. `hark audio record` captures it through the
#      firmware's CaptureEngine and encodes it as AVS wants it (Opus, 80-byte packets), and once
#      more as L16, which must equal the input byte for byte.
#   2. The reply (Fixtures/ten-oclock-24k-mono.mp3) is decoded and played by `hark audio play`:
#      to the sound card when there is one, else into a WAV file through the `file` plugin.
#
# The `file` plugin is not paced (a 1.3 s recording takes milliseconds): this shows the data
# path, not real-time behaviour. The PulseAudio tests in `make test` cover timing.
set -euo pipefail
cd "$(dirname "$0")/.."

hark=${1:-.build/debug/hark}
request=Fixtures/what-time-is-it-16k-mono.wav
reply=Fixtures/ten-oclock-24k-mono.mp3
out=out/demo
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in sox soxi; do
    command -v "$tool" >/dev/null || { echo "demo: $tool is missing; run 'make deps'" >&2; exit 1; }
done

now_ms() { date +%s%3N; }

# The microphone: the request as raw S16_LE, read by a `file` PCM whose slave is `null`.
sox "$request" -t raw -e signed-integer -b 16 -r 16000 -c 1 "$out/mic.raw"
cat > "$out/asound.conf" <<CONF
pcm.hark_demo_mic {
    type file
    slave.pcm null
    file "/dev/null"
    infile "$out/mic.raw"
    format "raw"
}
CONF
export ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$out/asound.conf"
seconds=$(soxi -D "$request")
input_bytes=$(stat -c %s "$out/mic.raw")

echo "== 1. request: $request ($seconds s) as the microphone"
start=$(now_ms)
"$hark" audio record --device hark_demo_mic --seconds "$seconds" "$out/request.opus"
elapsed=$(( $(now_ms) - start ))
opus_bytes=$(stat -c %s "$out/request.opus")
echo "   Opus: $out/request.opus, $opus_bytes bytes = $((opus_bytes / 80)) packets of 80 bytes" \
     "($((opus_bytes % 80)) left over), in $elapsed ms"
echo "   (the file plugin is not paced: after the request it returns silence as fast as it is read," \
     "so the engine drops chunks the recorder no longer takes; dropped_chunks above counts them)"

"$hark" audio record --device hark_demo_mic --seconds "$seconds" "$out/request.l16" 2>/dev/null
if cmp -s "$out/request.l16" "$out/mic.raw"; then
    echo "   L16:  $out/request.l16 equals the input, $input_bytes bytes"
else
    echo "   L16:  $out/request.l16 DIFFERS from the input ($(stat -c %s "$out/request.l16") vs $input_bytes bytes)"
    exit 1
fi

echo "== 2. reply: $reply"
if [ -s /proc/asound/cards ] && ! grep -q "no soundcards" /proc/asound/cards; then
    echo "   sound card found; playing through Hark's automatic device choice:"
    "$hark" audio devices | sed 's/^/   /'
    "$hark" audio play "$reply"
    echo "   played."
else
    echo "   no sound card here; playing into a WAV file through the file plugin instead"
    rm -f "$out/reply.wav"
    "$hark" audio play --device "file:FILE=$out/reply.wav,FORMAT=wav" "$reply"
    echo "   WAV:  $out/reply.wav, $(soxi -D "$out/reply.wav") s at $(soxi -r "$out/reply.wav") Hz," \
         "$(soxi -c "$out/reply.wav") channel(s) (the MP3 is $(soxi -D "$reply") s)"
fi
echo "demo: done; files in $out"
