#!/bin/bash
# VM test (run by run-vm.sh inside the guest): `hark doctor` on a real sound card (snd-aloop)
# with the shipped fragments installed, as on a board: it finds the dsnoop/dmix path, opens
# both PCMs while another program plays on the card, hears the tone that program plays into
# the loopback (--listen), and calls the same card silent when nothing plays; on a gpio-sim
# chip it requests the button and light lines, and reports a line another program holds.
set -u
. /mnt/guest-lib.sh
hark=${HARK_BIN:-}
[ -x "$hark" ] || { not_ok "hark binary is executable in the guest (HARK_BIN=$hark)"; finish; exit; }
logs=/mnt/logs; mkdir -p "$logs"
work=$(mktemp -d)
install_fragments 'defaults.hark.card "Loopback"' 'defaults.hark.capture.device 1'
mkdir -p "$work/state"
# A simulated gpiochip (gpio-sim): line 0 the button, line 1 the light.
G=/sys/kernel/config/gpio-sim/doctor
mkdir "$G" "$G/bank0"; echo 2 > "$G/bank0/num_lines"; echo 1 > "$G/live"
chip=$(cat "$G/bank0/chip_name")
echo "# gpio-sim chip $chip"
cat > "$work/hark.toml" <<TOML
[avs]
endpoint = "https://127.0.0.1:9"
[auth]
client_id = "vm-client"
product_id = "vm"
device_serial = "vm-0001"
[state]
dir = "$work/state"
[gpio]
chip = "$chip"
button_line = 0
led_line = 1
TOML

# doctor NAME: hark doctor --listen, output in $logs/NAME.txt; prints its lines as comments.
doctor() {
  "$hark" doctor --listen --listen-seconds 1 --config "$work/hark.toml" > "$logs/$1.txt" 2> "$logs/$1.err"
  echo "#   $1: exit $?"; sed "s/^/#   $1: /" "$logs/$1.txt"
}

# Another program plays a tone through the shared dmix; the loopback brings it to the capture side.
sox -n -r 48000 -c 2 -b 16 "$work/tone.wav" synth 60 sine 440 vol 0.3
aplay -q -D hark_playback "$work/tone.wav" > "$logs/aplay.log" 2>&1 &
player=$!
wait_running "$(ls -d /proc/asound/Loopback/pcm0p/sub0)/status"
doctor playing
out=$logs/playing.txt
check "doctor finds the dsnoop capture path" grep -q '^✓ capture device: hark_capture opens (dsnoop, shared with other programs' "$out"
check "doctor finds the dmix playback path while another program plays" grep -q '^✓ playback device: hark_playback opens (dmix, shared with other programs' "$out"
check "doctor hears the tone (--listen)" grep -q '^✓ microphone level: .* dBFS RMS: not silent' "$out"
check "doctor says the device is not linked, with hark login as the fix" sh -c "grep -q '^✗ account link: no refresh token' '$out' && grep -q 'fix: run .hark login' '$out'"
check "doctor ends 'not ready'" grep -q '^not ready: ' "$out"
check "doctor requests the button and light lines on the gpio-sim chip" grep -q "^✓ GPIO: $chip opens; button line 0 and light line 1 can be requested" "$out"
check "the other program never saw busy" sh -c "! grep -qi busy '$logs/aplay.log'"
kill "$player" 2>/dev/null; wait "$player" 2>/dev/null

doctor quiet
check "with nothing playing, the loopback microphone is silent and doctor says so" \
  sh -c "grep -q '^✗ microphone level: .*exact silence' '$logs/quiet.txt' && grep -q 'fix: check the microphone' '$logs/quiet.txt'"
# Another program holds the light's line (as a running hark would): doctor says busy and how to fix it.
gpioset --mode=signal "$chip" 1=0 &
holder=$!
sleep 0.5
doctor busy
check "a line another program holds fails the GPIO check with the fix" \
  sh -c "grep -q '^✗ GPIO: .*light line 1.*Device or resource busy' '$logs/busy.txt' && grep -q 'fix: another program holds the line' '$logs/busy.txt'"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
echo 0 > "$G/live"; rmdir "$G/bank0" "$G"
rm -rf "$work"
finish
