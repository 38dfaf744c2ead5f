#!/bin/bash
# VM test (run by run-vm.sh inside the guest): `hark run` with its button and status light on a
# gpio-sim chip, against hark-sim on loopback, audio through the shipped dmix/dsnoop fragments on
# the snd-aloop card. The test presses the simulated button by pulling the line down (the button
# is active-low with the pull-up bias Hark requests) and reads the light's line back:
#   1. a short press is one tap-to-talk turn (NEAR_FIELD), the light solid while listening,
#      blinking while speaking, off when idle;
#   2. a long hold is hold-to-talk (CLOSE_TALK) whose audio ends when the button is released;
#   3. a press with contact bounce at both ends is exactly one turn;
#   4. a press held past gpio.long_press_ms stops the turn and nothing follows its release;
#   5. a tap while Alexa speaks interrupts her (barge-in) and starts the next turn.
# Needs HARK_BIN (hark) and HARK_SIM_BIN (hark-sim), HARK_REPO (the repository, for Fixtures).
set -u
. /mnt/guest-lib.sh

hark=${HARK_BIN:-}; sim=${HARK_SIM_BIN:-}; repo=${HARK_REPO:-}
logs=/mnt/logs; mkdir -p "$logs"
[ -x "$hark" ] || { not_ok "hark is executable in the guest (HARK_BIN=$hark)"; finish; exit; }
[ -x "$sim" ] || { not_ok "hark-sim is executable in the guest (HARK_SIM_BIN=$sim)"; finish; exit; }
[ -f "$repo/Fixtures/ten-oclock-24k-mono.mp3" ] || { not_ok "fixtures are visible (HARK_REPO=$repo)"; finish; exit; }

# Loopback carries the session to hark-sim; iproute2 or, failing that, the rig's busybox.
ip link set lo up 2>/dev/null || busybox ip link set lo up
install_fragments 'defaults.hark.card "Loopback"' 'defaults.hark.capture.device 1'

# A simulated chip: line 0 is the button (released), line 1 the light.
gpio_sim_chip
echo "# gpio-sim chip $chip: button $button, light $led"

# wait_idle: until the session's last state is idle and stays so for a second (up to 60 s).
wait_idle() {
  local until=$((SECONDS + 60))
  while [ $SECONDS -lt $until ]; do
    if last_state | grep -q "state idle"; then sleep 1; last_state | grep -q "state idle" && return 0; fi
    sleep 0.1
  done
  return 1
}
# wait_count_file PATTERN FILE SECONDS: until FILE has a line matching.
wait_count_file() {
  local until=$((SECONDS + $3))
  while [ $SECONDS -lt $until ]; do grep -q -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# led_steady VALUE: the light reaches VALUE within 5 s and then reads VALUE 3 times over 0.3 s.
led_steady() {
  local until=$((SECONDS + 5))
  while [ $SECONDS -lt $until ] && [ "$(cat "$led")" != "$1" ]; do sleep 0.02; done
  [ "$(led_samples 3 0.1)" = "$1$1$1" ]
}
# led_reaches VALUE SECONDS: the light reads VALUE at some point within SECONDS.
led_reaches() {
  local until=$((SECONDS + $2))
  while [ $SECONDS -lt $until ]; do [ "$(cat "$led")" = "$1" ] && return 0; sleep 0.02; done
  return 1
}
# led_samples N INTERVAL: the light's value N times, INTERVAL s apart, as one string ("0101...").
led_samples() { local out="" i; for i in $(seq "$1"); do out="$out$(cat "$led")"; sleep "$2"; done; echo "$out"; }

# The simulator: StopCapture after 1.5 s of tap audio (never for hold-to-talk), then a 1.56 s
# spoken answer.
start_sim /tmp/sim "$repo/Fixtures/ten-oclock-24k-mono.mp3" 1500 "$logs/sim.out"
check "hark-sim is listening" [ -n "$port" ]

CA=/tmp/sim/ca.pem hark_config /tmp/hark.toml /tmp/state vm-0001
timeout 180 "$hark" login --config /tmp/hark.toml > "$logs/login.out" 2>&1
check "hark login links the device through the simulator" [ $? -eq 0 ]

"$hark" run --config /tmp/hark.toml --transcript > "$logs/run.out" 2> "$logs/run.err" & hark_pid=$!
check "hark run connects" wait_count "connected and synchronized" 1 180
check "hark run has the button and light on $chip" grep -q "button on line 0, light on line 1" "$logs/run.err"
wait_count "state idle" 1 30
check "idle: the light is off" led_steady 0

echo "# 1. ($SECONDS s) a short press"
press; sleep 0.15; t0=$(now_ms); release
wait_count "SpeechRecognizer.Recognize" 1 30; t1=$(now_ms)
check "a short press opens one Recognize" [ "$(count "SpeechRecognizer.Recognize")" -eq 1 ]
check "...as tap-to-talk (NEAR_FIELD)" grep -q "Recognize (NEAR_FIELD" "$logs/run.out"
echo "#   release -> Recognize opened: $((t1 - t0)) ms (30 ms of it is the debounce)"
check "listening: the light is on" led_reaches 1 10
check "the answer starts playing" wait_count "first reply sample" 1 60
speaking=$(led_samples 12 0.05)
echo "#   light while speaking: $speaking"
check "speaking: the light blinks" sh -c "echo $speaking | grep -q 0 && echo $speaking | grep -q 1"
check "the answer is played out" wait_count "speech played out" 1 60
wait_count "state idle" 2 30
check "idle again: the light is off" led_steady 0

echo "# 2. ($SECONDS s) a hold of 3 s or more"
t0=$(now_ms); press
wait_count "SpeechRecognizer.Recognize" 2 30; t1=$(now_ms)
echo "#   press -> Recognize opened: $((t1 - t0)) ms (hold_ms = 600 of it)"
check "a hold opens hold-to-talk (CLOSE_TALK)" sh -c "grep 'SpeechRecognizer.Recognize' '$logs/run.out' | sed -n 2p | grep -q CLOSE_TALK"
check "held: the light is on" led_reaches 1 10
while [ $(( $(now_ms) - t0 )) -lt 3000 ]; do sleep 0.05; done
check "held 3 s: still listening before the release" [ "$(count "microphone closed")" -eq 1 ]
echo "#   released after $(( $(now_ms) - t0 )) ms"
t0=$(now_ms); release
wait_count "microphone closed" 2 30; t1=$(now_ms)
check "the release ends the request's audio" [ "$(count "microphone closed")" -eq 2 ]
echo "#   release -> microphone closed: $((t1 - t0)) ms"
check "the hold turn is answered" wait_count "speech played out" 2 60
wait_count "state idle" 3 30

echo "# 3. ($SECONDS s) a press with contact bounce at both ends"
for _ in 1 2 3 4 5; do press; release; done; press
sleep 0.2
for _ in 1 2 3 4 5; do release; press; done; release
check "a bouncing press opens a Recognize" wait_count "SpeechRecognizer.Recognize" 3 30
sleep 4
check "...exactly one" [ "$(count "SpeechRecognizer.Recognize")" -eq 3 ]
check "the bounced turn is answered" wait_count "speech played out" 3 60
wait_count "state idle" 4 30

echo "# 4. ($SECONDS s) a press held past long_press_ms (10 s)"
logged=$(grep -c "stopping all audio" "$logs/run.err")
t0=$(now_ms); press
check "a long press starts hold-to-talk first" wait_count "SpeechRecognizer.Recognize" 4 30
check "...and at 10 s stops it while still held" wait_count "microphone closed" 4 25
echo "#   press -> stopped: $(( $(now_ms) - t0 )) ms"
sleep 1; release; sleep 3
check "its release starts nothing" [ "$(count "SpeechRecognizer.Recognize")" -eq 4 ]
check "the long press is logged once" [ "$(grep -c 'stopping all audio' "$logs/run.err")" -eq $((logged + 1)) ]

wait_idle

echo "# 5. ($SECONDS s) a tap while Alexa speaks interrupts her"
press; sleep 0.1; release
check "a tap opens a Recognize" wait_count "SpeechRecognizer.Recognize" 5 30
check "its answer starts playing" wait_count "first reply sample" 5 60
press; sleep 0.1; t0=$(now_ms); release
check "a tap during the answer stops the speech" wait_count "speech stopped after" 1 30
t1=$(now_ms)
check "...and opens the next Recognize" wait_count "SpeechRecognizer.Recognize" 6 30
echo "#   release -> speech stopped: $((t1 - t0)) ms"
check "hark-sim got SpeechInterrupted" wait_count_file "SpeechSynthesizer.SpeechInterrupted" /tmp/sim/events.log 30
wait_count "speech played out" 5 60

check "earcons played without errors" sh -c "! grep -q 'earcons: cannot open' '$logs/run.err'"
check "hark-sim saw 6 Recognize events" [ "$(grep -c 'SpeechRecognizer.Recognize' /tmp/sim/events.log)" -eq 6 ]
kill -TERM $hark_pid; wait $hark_pid; rc=$?
check "hark run stops on SIGTERM (exit $rc)" [ $rc -eq 0 ]
check "the light is off after exit" [ "$(cat "$led")" = 0 ]
kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null
cp /tmp/sim/events.log "$logs/sim-events.log" 2>/dev/null
echo "# done after $SECONDS s in the guest"
finish
