#!/bin/bash
# VM test (run by run-vm.sh inside the guest): the shipped asound.conf.d fragments, installed in
# /etc/alsa/conf.d and pointed at the snd-aloop card, let Hark and other programs share one
# sound card at the same time, survive an overrun, and never see EBUSY.
#
# Loopback wiring: hark_playback's dmix plays into hw:Loopback,0,0; whatever is played there
# comes out of hw:Loopback,1,0, which hark_capture's dsnoop records. So what the players send
# is checked in what the recorders get, and the other way round.
#
# The program under test is chosen by HARK_AUDIO_TOOL:
#   hark        (default) $HARK_BIN audio play / audio record
#   alsa-utils  aplay / arecord stand-ins, to check the rig and the config alone
set -u
. /mnt/guest-lib.sh

tool=${HARK_AUDIO_TOOL:-hark}
hark=${HARK_BIN:-}
logs=/mnt/logs; mkdir -p "$logs"
work=$(mktemp -d)

# play_under_test FILE / record_under_test SECONDS OUT: the program whose sharing is tested.
# SECONDS empty: record until SIGINT.
case $tool in
  hark)
    [ -x "$hark" ] || { not_ok "hark binary is executable in the guest (HARK_BIN=$hark)"; finish; exit; }
    play_under_test()   { exec "$hark" audio play --device hark_playback "$1"; }
    record_under_test() { exec "$hark" audio record --device hark_capture ${1:+--seconds "$1"} --format wav "$2"; } ;;
  alsa-utils)
    play_under_test()   { exec aplay -q -D hark_playback "$1"; }
    record_under_test() { exec arecord -D hark_capture -f S16_LE -r 16000 -c 1 ${1:+-d "$1"} "$2"; } ;;
  *) echo "unknown HARK_AUDIO_TOOL=$tool"; exit 2 ;;
esac
# The "other program" on the same card is always alsa-utils.
play_other()   { exec aplay -q -D hark_playback "$1"; }
record_other() { exec arecord -D hark_capture -f S16_LE -r 16000 -c 1 ${1:+-d "$1"} "$2"; }

# exited_ok NAME PID: waits, reports the exit status and that the log never mentions "busy".
exited_ok() {
  local name=$1 pid=$2 rc=0
  wait "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then echo "#   $name exited $rc; its log:"; sed 's/^/#     /' "$logs/$name.log" | tail -15; fi
  check "$name exits 0" [ "$rc" -eq 0 ]
  check "$name never sees EBUSY" sh -c "! grep -qi 'busy' '$logs/$name.log'"
}

# stopped_ok NAME PID: ends a recorder with SIGINT (Ctrl-C), as a user would. hark finishes
# the file and exits 0; arecord finishes the file too but exits 1 after "Aborted by signal".
stopped_ok() {
  local name=$1 pid=$2 rc=0
  kill -INT "$pid" 2>/dev/null
  wait "$pid" || rc=$?
  if [ "$rc" -eq 1 ] && grep -q 'Aborted by signal' "$logs/$name.log"; then rc=0; fi
  if [ "$rc" -ne 0 ]; then echo "#   $name exited $rc; its log:"; sed 's/^/#     /' "$logs/$name.log" | tail -15; fi
  check "$name stops cleanly on SIGINT" [ "$rc" -eq 0 ]
  check "$name never sees EBUSY" sh -c "! grep -qi 'busy' '$logs/$name.log'"
}

echo "# program under test: $tool ${hark:+($hark)}"
install_fragments 'defaults.hark.card "Loopback"' 'defaults.hark.capture.device 1'
aplay -L 2>/dev/null > "$logs/aplay-L.txt"
for pcm in hark_playback hark_capture hark hark_pulse; do
  check "aplay -L lists $pcm" grep -qx "$pcm" "$logs/aplay-L.txt"
done

# Different tones, rates and channel counts per player: plug converts each to the dmix's
# 48 kHz stereo, dmix sums them, and the far side must hear every one.
sox -n -r 48000 -c 2 -b 16 "$work/a440.wav"  synth 3  sine 440  vol 0.3
sox -n -r 22050 -c 1 -b 16 "$work/b660.wav"  synth 3  sine 660  vol 0.3
sox -n -r 44100 -c 2 -b 16 "$work/c1000.wav" synth 3  sine 1000 vol 0.3
sox -n -r 16000 -c 1 -b 16 "$work/d880.wav"  synth 30 sine 880  vol 0.3

# wait_recording FILE: up to 30 s for FILE to hold 0.5 s of 16 kHz mono audio past its header.
# Programs start slowly on the emulated CPU (a debug hark takes seconds), so the test moves on
# events, not fixed sleeps.
wait_recording() {
  local until=$((SECONDS + 30))
  while [ $SECONDS -lt $until ]; do
    [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt 16100 ] && return 0; sleep 0.1
  done
  return 1
}

echo "# 1. ($SECONDS s) two hark players and aplay on one dmix; two hark recorders and arecord on one dsnoop"
record_under_test "" /mnt/share-hark1.wav > "$logs/hark-record-1.log" 2>&1 & r1=$!
record_under_test "" /mnt/share-hark2.wav > "$logs/hark-record-2.log" 2>&1 & r2=$!
record_other      "" /mnt/share-arecord.wav > "$logs/arecord.log" 2>&1 & r3=$!
check "dsnoop is running on hw:Loopback,1,0" wait_running /proc/asound/Loopback/pcm1c/sub0/status
for f in share-hark1 share-hark2 share-arecord; do check "$f.wav is being recorded" wait_recording "/mnt/$f.wav"; done
echo "#   ($SECONDS s) all three recording; playing"
play_under_test "$work/a440.wav"  > "$logs/hark-play-1.log" 2>&1 & p1=$!
play_under_test "$work/b660.wav"  > "$logs/hark-play-2.log" 2>&1 & p2=$!
play_other      "$work/c1000.wav" > "$logs/aplay.log" 2>&1 & p3=$!
check "dmix is running on hw:Loopback,0,0" wait_running /proc/asound/Loopback/pcm0p/sub0/status
# The ring buffers are SysV shared memory under the shipped keys plus alsa-lib's own offset
# (stream << 1) + (device << 2) + (subdevice << 8) + (card << 12): dmix on card 0 device 0
# playback +0, dsnoop on card 0 device 1 capture +6. Open to every user (0666): what lets a
# service user and a desktop user share.
ipcs -m > "$logs/ipcs.txt"
# On a kernel with PCM protocol >= 2.0.8 the other clients open the busy substream themselves
# (O_APPEND) instead of receiving it from a server over a socket in /tmp.
check "no dmix server socket in /tmp (the card is shared through O_APPEND opens)" sh -c '! ls /tmp/alsa-dmix-* >/dev/null 2>&1'
check "dmix shares memory under key 0x48400000 with perms 666" grep -Eq '^0x48400000 +[0-9]+ +[a-z0-9]+ +666 ' "$logs/ipcs.txt"
check "dsnoop shares memory under key 0x48500006 with perms 666" grep -Eq '^0x48500006 +[0-9]+ +[a-z0-9]+ +666 ' "$logs/ipcs.txt"
exited_ok hark-play-1 $p1; exited_ok hark-play-2 $p2; exited_ok aplay $p3
sleep 0.3   # the last period through the loopback
stopped_ok hark-record-1 $r1; stopped_ok hark-record-2 $r2; stopped_ok arecord $r3
echo "#   ($SECONDS s) all six done; checking the recordings"
for rec in /mnt/share-hark1.wav /mnt/share-hark2.wav /mnt/share-arecord.wav; do fix_length "$rec"; done
for rec in /mnt/share-hark1.wav /mnt/share-hark2.wav /mnt/share-arecord.wav; do
  name=$(basename "$rec")
  check "$name holds 440 Hz (hark player 1)" has_tone "$rec" 440
  check "$name holds 660 Hz (hark player 2)" has_tone "$rec" 660
  check "$name holds 1000 Hz (aplay)" has_tone "$rec" 1000
  check "$name holds nothing at 1500 Hz (control)" lacks_tone "$rec" 1500
done
for n in 1 2; do echo "#   hark-record-$n: $(grep -oE '(recorded [0-9.]+ s|xruns=[0-9]+)' "$logs/hark-record-$n.log" | tr '\n' ' ')"; done

echo "# 2. ($SECONDS s) while dmix and dsnoop hold the card, a raw open of the same hardware is refused"
# The reason the shipped PCMs exist. Playback opens blocking (as Hark does), capture with -N
# (non-blocking): both must fail at once (timeout 5 turns a hang into a failed check).
play_other "$work/d880.wav" > "$logs/aplay-hold.log" 2>&1 & p5=$!
record_other 10 /mnt/hold.wav > "$logs/arecord-hold.log" 2>&1 & r5=$!
wait_running /proc/asound/Loopback/pcm0p/sub0/status && wait_running /proc/asound/Loopback/pcm1c/sub0/status
timeout 5 aplay -D hw:Loopback,0,0 -d 1 /dev/zero > "$logs/raw-hw-play.log" 2>&1
check "raw hw:Loopback,0,0 (playback, blocking open) gets 'Device or resource busy'" grep -q 'busy' "$logs/raw-hw-play.log"
timeout 5 arecord -N -D hw:Loopback,1,0 -d 1 /dev/null > "$logs/raw-hw-record.log" 2>&1
check "raw hw:Loopback,1,0 (capture, non-blocking open) gets 'Device or resource busy'" grep -q 'busy' "$logs/raw-hw-record.log"
kill $p5 $r5 2>/dev/null; wait $p5 $r5 2>/dev/null

echo "# 3. ($SECONDS s) overrun: the recorder under test is stopped for 1.2 s while the card runs on"
# Event-driven: recording, then the tone, then the stall, then 1 s more, then Ctrl-C.
record_under_test "" /mnt/stall.wav > "$logs/record-stall.log" 2>&1 & r4=$!
check "the recorder under test is recording" wait_recording /mnt/stall.wav
play_other "$work/d880.wav" > "$logs/aplay-stall.log" 2>&1 & p4=$!
wait_running /proc/asound/Loopback/pcm0p/sub0/status; sleep 0.5
# 1.2 s is 30 times the dsnoop buffer: the recorder's ring overflows while it is stopped.
kill -STOP $r4; sleep 1.2; kill -CONT $r4
# Then let it record at least 1 s more (it may be slow to catch up) before ending it.
stalled_size=$(stat -c %s /mnt/stall.wav)
until=$((SECONDS + 30))
while [ $SECONDS -lt $until ] && [ "$(stat -c %s /mnt/stall.wav)" -lt $((stalled_size + 32000)) ]; do sleep 0.1; done
stopped_ok record-stall $r4
kill $p4 2>/dev/null; wait $p4 2>/dev/null
fix_length /mnt/stall.wav
len=$(duration /mnt/stall.wav)
echo "#   stall.wav is $len s long; recorder said: $(grep -iE 'xrun|overrun' "$logs/record-stall.log" | head -2 | tr '\n' ' ')"
check "the recording is at least 1.5 s long" at_least "$len" 1.5
check "its last 0.5 s (after the stall) holds the 880 Hz tone" has_tone /mnt/stall.wav 880 trim -0.5
if [ "$tool" = hark ]; then
  # hark's closing line reports the engine's counters: the stall must show as a recovered xrun.
  check "hark counted the overrun it recovered from (xruns >= 1)" \
    grep -Eq 'xruns=[1-9]' "$logs/record-stall.log"
fi

rm -rf "$work"
echo "# done after $SECONDS s in the guest"
finish
