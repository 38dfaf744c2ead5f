#!/bin/sh
# Regenerates the audio fixtures in Fixtures/ from nothing but Debian's sox, espeak-ng and lame
# (apt-get install sox espeak-ng lame). Same tools, same bytes: every step is deterministic
# (sox -R: repeatable dither; lame writes a fixed encoder tag; no timestamps anywhere).
# Run from anywhere:  sh scripts/make-fixtures.sh
set -eu
export LC_ALL=C  # byte-exact awk output and sorting, whatever the caller's locale

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fixtures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for tool in sox espeak-ng lame; do
    command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is missing (apt-get install sox espeak-ng lame)" >&2; exit 1; }
done

# A 440 Hz sine at half scale, 16-bit, through sox's synthesiser.
tone() { # rate channels seconds output
    sox -R -n -r "$1" -c "$2" -b 16 -e signed-integer "$4" synth "$3" sine 440 vol 0.5
}

# 1 s of 440 Hz at the microphone format (16 kHz mono): WAV reader and Opus tests.
tone 16000 1 1 "$out/tone-440hz-16k-mono.wav"

# 1.5 s of 440 Hz as MP3 at Alexa's speech format (24 kHz mono, 48 kbps CBR, MPEG-2 layer III)
# and at CD format (44.1 kHz stereo, 128 kbps, MPEG-1 layer III).
tone 24000 1 1.5 "$work/tone-24k.wav"
lame --quiet -b 48 -m m "$work/tone-24k.wav" "$out/tone-440hz-24k-mono.mp3"
tone 44100 2 1.5 "$work/tone-44k.wav"
lame --quiet -b 128 -m j "$work/tone-44k.wav" "$out/tone-440hz-44k-stereo.mp3"

# Spoken request for the demo microphone: 16 kHz mono like a real AVS microphone.
espeak-ng -v en-us -s 150 -w "$work/request.wav" "what time is it"
sox -R "$work/request.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out/what-time-is-it-16k-mono.wav"

# Spoken reply as Alexa would send it: 24 kHz mono MP3.
espeak-ng -v en-us -s 150 -w "$work/reply.wav" "It is ten o'clock"
sox -R "$work/reply.wav" -r 24000 -c 1 -b 16 -e signed-integer "$work/reply-24k.wav"
lame --quiet -b 48 -m m "$work/reply-24k.wav" "$out/ten-oclock-24k-mono.mp3"

# Broken input for the decoder's error paths.
# truncated: the 24 kHz tone cut in the middle of a frame (frames there are 144 bytes).
size=$(wc -c < "$out/tone-440hz-24k-mono.mp3")
head -c $((size / 2 + 61)) "$out/tone-440hz-24k-mono.mp3" > "$out/truncated.mp3"
# not-mp3: text, which holds no MPEG frame sync at all.
i=0
while [ $i -lt 64 ]; do
    echo "This is not an MP3 stream; it is plain text standing in for a bad download. $i"
    i=$((i + 1))
done > "$out/not-mp3.mp3"
# corrupt: a valid ID3v2 tag header claiming 0 bytes, then pseudo-random bytes from a fixed
# linear congruential generator (awk), so no real audio frame follows the tag.
{
    printf 'ID3\003\000\000\000\000\000\000'
    awk 'BEGIN { x = 12345; for (i = 0; i < 4096; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%c", int(x / 65536) % 256 } }'
} > "$out/corrupt.mp3"

ls -l "$out"
