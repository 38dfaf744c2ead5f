#!/bin/bash
# vm-timeout: 1500
# VM test (run by run-vm.sh inside the guest): the whole appliance as a board runs it.
#
# `hark run` is started the way board/hark.service starts it: as its own user and group with
# the supplementary groups audio and gpio, no capabilities, no new privileges, umask 0077, a
# private /tmp, only the environment systemd gives a service (including NOTIFY_SOCKET and
# WATCHDOG_USEC, answered here by a small datagram listener standing in for systemd), the
# device nodes owned and moded as udev and board/60-hark-gpio.rules leave them. Beside it:
#   - a music player of another user plays through the shipped dmix all the time;
#   - hark-sim on loopback answers every turn with a 1.5 s 440 Hz tone;
#   - the button is a gpio-sim line, pressed by pulling it down.
# Then HARK_APPLIANCE_TURNS (default 50) button turns in a row. Each turn's reply is recorded on
# the loopback's far side (through dsnoop, beside Hark's own microphone) and must hold the
# 440 Hz reply and the music's 880 Hz. In every 4 turns Hark is frozen for 1 s (SIGSTOP/SIGCONT)
# twice: in the 2nd while it listens (its capture may overrun), in the 3rd while it speaks (its
# playback underruns); in the 4th another user's program spins on the one CPU for the whole
# turn (a busy board: the microphone's encoder falls behind and works through a backlog).
# Every later turn must still work, with no restart of the process or the session, and no turn
# may take longer than 60 s. A turn still running after 15 s has its threads' waits saved, after
# 30 s their stacks too (logs/stall-*.txt). `make test` runs 4 turns, `make soak-vm` 50.
# Needs HARK_BIN (hark), HARK_SIM_BIN (hark-sim), HARK_REPO (the repository, for Fixtures).
set -u
. /mnt/guest-lib.sh

hark=${HARK_BIN:-}; sim=${HARK_SIM_BIN:-}; repo=${HARK_REPO:-}
turns=${HARK_APPLIANCE_TURNS:-50}
logs=/mnt/logs; mkdir -p "$logs" /mnt/turns
[ -x "$hark" ] || { not_ok "hark is executable in the guest (HARK_BIN=$hark)"; finish; exit; }
[ -x "$sim" ] || { not_ok "hark-sim is executable in the guest (HARK_SIM_BIN=$sim)"; finish; exit; }
[ -f "$repo/Fixtures/tone-440hz-24k-mono.mp3" ] || { not_ok "fixtures are visible (HARK_REPO=$repo)"; finish; exit; }

ip link set lo up 2>/dev/null || busybox ip link set lo up
install_fragments 'defaults.hark.card "Loopback"' 'defaults.hark.capture.device 1'

# Users and groups by number (the guest's /etc is the host's, read-only): the service user
# hark, group gpio as board/install.sh creates them, a desktop user for the music.
HARK_UID=990; HARK_GID=990; GPIO_GID=991; AUDIO_GID=$(getent group audio | cut -d: -f3); DESKTOP_UID=1000
# udev on a board: /dev/snd/* root:audio 0660; 60-hark-gpio.rules: /dev/gpiochip* root:gpio 0660.
chgrp "$AUDIO_GID" /dev/snd/*; chmod 0660 /dev/snd/*

gpio_sim_chip
chgrp "$GPIO_GID" "/dev/$chip"; chmod 0660 "/dev/$chip"

# StateDirectory=hark (0700), RuntimeDirectory=hark (0750), ConfigurationDirectory=hark.
# (The guest's /var/lib and /etc are the host's, read-only: the state and the configuration
# live under /run here.)
state=/run/lib/hark; runtime=/run/hark; etc=/run/etc/hark
mkdir -p /run/lib /run/etc
install -d -o $HARK_UID -g $HARK_GID -m 0700 "$state"
install -d -o $HARK_UID -g $HARK_GID -m 0750 "$runtime"
install -d -m 0755 "$etc"

# hark-sim (not under /tmp, which the service does not share).
start_sim /run/sim "$repo/Fixtures/tone-440hz-24k-mono.mp3" 1000 "$logs/sim.out"
check "hark-sim is listening" [ -n "$port" ]
chmod 0644 /run/sim/ca.pem

CA=/run/sim/ca.pem hark_config "$etc/hark.toml" "$state" vm-0002
printf '[control]\nsocket = "%s"\n' "$runtime/control.sock" >> "$etc/hark.toml"

# systemd's side of Type=notify: a datagram socket the service may write to; every message is
# logged with the time it came.
cat > /run/notify.py <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        data = s.recv(4096).decode(errors="replace")
        for line in data.splitlines():
            log.write(f"{time.monotonic():.3f} {line}\n")
PY
python3 /run/notify.py /run/notify.sock "$logs/notify.log" & notify_pid=$!
for _ in $(seq 100); do [ -S /run/notify.sock ] && break; sleep 0.1; done
chmod 0666 /run/notify.sock

# as_service COMMAND...: the unit's User=, Group=, SupplementaryGroups=, NoNewPrivileges=,
# CapabilityBoundingSet= (empty), UMask=, PrivateTmp= and environment. It execs (so `cmd &`
# gives the service's own pid): call it in the background or in a subshell.
as_service() {
  exec unshare --mount --propagation private sh -c '
    mount -t tmpfs tmp /tmp && mount -t tmpfs tmp /var/tmp && umask 077 && exec "$@"' sh \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin LANG=C.UTF-8 \
      USER=hark LOGNAME=hark HOME="$state" SHELL=/usr/sbin/nologin \
      INVOCATION_ID=0123456789abcdef0123456789abcdef \
      NOTIFY_SOCKET=/run/notify.sock WATCHDOG_USEC=30000000 \
      RUNTIME_DIRECTORY="$runtime" STATE_DIRECTORY="$state" CONFIGURATION_DIRECTORY="$etc" \
    setpriv --reuid=$HARK_UID --regid=$HARK_GID --groups="$AUDIO_GID,$GPIO_GID" \
      --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}

# Linking, as README says for a board: `hark login` as the service user.
(as_service timeout 300 "$hark" login --config "$etc/hark.toml") > "$logs/login.out" 2>&1
rc=$?
check "hark login as the service user links the device (exit $rc)" [ $rc -eq 0 ]
token=$(ls "$state"/*token* 2>/dev/null | head -1)
check "the refresh token is the service user's, mode 0600" \
  sh -c "[ -n '$token' ] && [ \"\$(stat -c '%u %a' '$token')\" = '$HARK_UID 600' ]"

# The music: another user's player, all the time, through the same dmix.
sox -n -r 22050 -c 1 -b 16 /run/music-880.wav synth 20 sine 880 vol 0.15
chmod 0644 /run/music-880.wav
setpriv --reuid=$DESKTOP_UID --regid=$DESKTOP_UID --groups="$AUDIO_GID" \
  sh -c 'while :; do aplay -q -D hark_playback /run/music-880.wav || sleep 0.2; done' > "$logs/music.log" 2>&1 &
music_pid=$!
check "the music plays through the dmix" wait_running /proc/asound/Loopback/pcm0p/sub0/status

as_service "$hark" run --config "$etc/hark.toml" --transcript > "$logs/run.out" 2> "$logs/run.err" &
hark_pid=$!

last_state_idle() { last_state | grep -q "state idle"; }
# stall_dump NAME [stacks]: every thread's state and kernel wait, and with "stacks" (where gdb
# is installed) every stack, to logs/stall-NAME.txt. gdb runs at the lowest priority and reads
# the symbols before it attaches: on the one CPU it must not slow, or hold, the turn it looks at
# for longer than the backtrace takes. stall_watch N: a dump 15 s into turn N, one
# with stacks at 30 s (the watcher is killed when the turn ends; a dump under way finishes).
stall_dump() {
  {
    echo "# $(now_ms) ms: $(last_state); load $(cat /proc/loadavg)"
    ps -eo pid,user,stat,pcpu,time,args --sort=-time | head -15
    grep State "/proc/$hark_pid/status"
    for t in /proc/$hark_pid/task/*; do
      echo "task ${t##*/} $(timeout 5 awk '{print "state=" $3, "utime=" $14, "stime=" $15}' "$t/stat") wchan=$(timeout 5 cat "$t/wchan")"
    done
    [ "${2:-}" = stacks ] && command -v gdb >/dev/null &&
      nice -n 19 timeout 120 gdb -batch -nx -ex "thread apply all bt 40" "$hark" "$hark_pid" 2>&1
  } > "$logs/stall-$1.txt" 2>&1
}
stall_watch() { sleep 15; stall_dump "$1-15s" & sleep 15; stall_dump "$1-30s" stacks & wait; }
# freeze_hark: 0.3 s into the phase just reached, Hark stops for 1 s (SIGSTOP/SIGCONT).
freeze_hark() { sleep 0.3; kill -STOP $hark_pid; sleep 1; kill -CONT $hark_pid; frozen=$((frozen + 1)); }

check "hark run connects" wait_count "connected and synchronized" 1 240
check "systemd was told READY=1" grep -q "READY=1" "$logs/notify.log"
check "it runs as the service user" [ "$(stat -c %u /proc/$hark_pid)" = $HARK_UID ]
check "with no capabilities and no new privileges" \
  sh -c "grep -q '^CapEff:[[:space:]]*0*$' /proc/$hark_pid/status && grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$hark_pid/status"
check "its control socket is 0660 in the runtime directory" [ "$(stat -c %a "$runtime/control.sock" 2>/dev/null)" = 660 ]
until=$((SECONDS + 30)); while [ $SECONDS -lt $until ] && ! last_state_idle; do sleep 0.1; done
# Full volume, through the control socket as a local program would set it.
check "hark ctl sets the volume to 100" sh -c "'$hark' ctl --socket '$runtime/control.sock' volume 100 > '$logs/ctl.out' 2>&1"

# What the far side hears with only the music playing: the 440 Hz band's floor.
arecord -q -D hark_capture -f S16_LE -r 16000 -c 1 -d 3 /mnt/turns/music-only.wav > "$logs/arecord-control.log" 2>&1
floor=$(band /mnt/turns/music-only.wav 440 Maximum)
threshold=$(awk -v f="${floor:-0}" 'BEGIN { t = 4 * f; if (t < 0.02) t = 0.02; print t }')
echo "#   440 Hz band with the music alone: peak ${floor:-none}; a reply must peak above $threshold"
check "the control recording holds the music (880 Hz)" has_tone /mnt/turns/music-only.wav 880

# The turns.
answered=0; heard=0; music=0; failed_turns=""; slow_turns=""; frozen=0; listening_overruns=0; speaking_underruns=0
busy_turns=0; slowest=0
for n in $(seq "$turns"); do
  freeze=""; busy=""
  case $((n % 4)) in 2) freeze=listening ;; 3) freeze=speaking ;; 0) busy=1 ;; esac
  if [ -n "$busy" ]; then
    setpriv --reuid=$DESKTOP_UID --regid=$DESKTOP_UID sh -c 'while :; do :; done' & hog_pid=$!
    busy_turns=$((busy_turns + 1))
  fi
  xc_before=$(grep -c "capture xrun recovered" "$logs/run.err"); xp_before=$(grep -c "playback xrun recovered" "$logs/run.err")
  rec=/mnt/turns/turn-$n.wav
  arecord -q -D hark_capture -f S16_LE -r 16000 -c 1 "$rec" > "$logs/arecord-$n.log" 2>&1 & rec_pid=$!
  t0=$(now_ms)
  press; sleep 0.12; release
  stall_watch "$n" & watch_pid=$!
  ok_turn=1
  # Generous waits, so a slow turn is measured (and its stall dumps taken) rather than cut off.
  wait_count "SpeechRecognizer.Recognize" "$n" 60 || ok_turn=0
  [ "$freeze" = listening ] && freeze_hark
  wait_count "first reply sample" "$n" 200 || ok_turn=0
  [ "$freeze" = speaking ] && freeze_hark
  wait_count "speech played out" "$n" 200 || ok_turn=0
  t1=$(now_ms)
  kill $watch_pid 2>/dev/null; wait $watch_pid 2>/dev/null
  [ -n "$busy" ] && { kill $hog_pid; wait $hog_pid 2>/dev/null; }
  [ $((t1 - t0)) -le 30000 ] || slow_turns="$slow_turns $n:$(( (t1 - t0) / 1000 ))s"
  [ $((t1 - t0)) -le "$slowest" ] || slowest=$((t1 - t0))
  sleep 0.3
  kill -INT $rec_pid 2>/dev/null; wait $rec_pid 2>/dev/null; fix_length "$rec"
  until=$((SECONDS + 30)); while [ $SECONDS -lt $until ] && ! last_state_idle; do sleep 0.1; done
  [ $ok_turn = 1 ] && answered=$((answered + 1))
  tone=$(band "$rec" 440 Maximum); bg=$(band "$rec" 880 Maximum)
  awk -v x="${tone:-0}" -v t="$threshold" 'BEGIN { exit !(x > t) }' && heard=$((heard + 1)) || ok_turn=0
  xc_turn=$(( $(grep -c "capture xrun recovered" "$logs/run.err") - xc_before ))
  xp_turn=$(( $(grep -c "playback xrun recovered" "$logs/run.err") - xp_before ))
  [ "$freeze" = listening ] && [ "$xc_turn" -ge 1 ] && listening_overruns=$((listening_overruns + 1))
  [ "$freeze" = speaking ] && [ "$xp_turn" -ge 1 ] && speaking_underruns=$((speaking_underruns + 1))
  awk -v x="${bg:-0}" 'BEGIN { exit !(x > 0.05) }' && music=$((music + 1))
  [ $ok_turn = 1 ] || failed_turns="$failed_turns $n"
  echo "# turn $n: $((t1 - t0)) ms press -> played out${freeze:+, frozen 1 s while $freeze}${busy:+, CPU busy}; reply 440 Hz peak ${tone:-none}, music 880 Hz peak ${bg:-none}; xruns recovered: capture $xc_turn, playback $xp_turn"
  [ $ok_turn = 1 ] && rm -f "$rec"
done
check "all $turns turns answered (Recognize, reply played out)" [ "$answered" -eq "$turns" ]
check "every reply heard on the far side of the card ($heard of $turns)" [ "$heard" -eq "$turns" ]
check "the music heard beside every reply ($music of $turns)" [ "$music" -eq "$turns" ]
[ -z "$failed_turns" ] || echo "#   failed turns:$failed_turns (recordings kept in /mnt/turns)"
echo "#   turns slower than 30 s (press -> played out):${slow_turns:- none}"
check "no turn took longer than 60 s (slowest $((slowest / 1000)) s, $busy_turns with the CPU busy)" [ "$slowest" -le 60000 ]
check "hark was frozen $frozen times" [ "$frozen" -ge 2 ]
xc=$(grep -c "capture xrun recovered" "$logs/run.err"); xp=$(grep -c "playback xrun recovered" "$logs/run.err")
echo "#   xruns recovered: capture $xc, playback $xp"
echo "#   freezes while listening that overran the capture: $listening_overruns; while speaking that underran the playback: $speaking_underruns"
# Not every 1 s stop of a dsnoop client is reported to it as an overrun (4 of 13 listening
# freezes in a 50-turn run were), so the capture side is measured, not asserted.
check "a freeze while speaking underran the playback and Hark recovered" [ "$speaking_underruns" -ge 1 ]
check "no restart: the same process ran every turn" kill -0 $hark_pid
check "no restart: one session for the whole run" [ "$(grep -c 'session started' "$logs/run.err")" -eq 1 ]
check "hark-sim saw $turns Recognize events" [ "$(grep -c 'SpeechRecognizer.Recognize' /run/sim/events.log)" -eq "$turns" ]
check "the music never saw EBUSY" sh -c "! grep -qi busy '$logs/music.log'"
pings=$(grep -c "WATCHDOG=1" "$logs/notify.log")
echo "#   watchdog pings to systemd: $pings"
check "the watchdog pinged systemd through the run" [ "$pings" -ge 2 ]

t0=$(now_ms); kill -TERM $hark_pid; wait $hark_pid; rc=$?; t1=$(now_ms)
check "hark stops on SIGTERM with exit 0 (exit $rc, $((t1 - t0)) ms)" [ $rc -eq 0 ]
check "within TimeoutStopSec (15 s)" [ $((t1 - t0)) -lt 15000 ]
check "systemd was told STOPPING=1" grep -q "STOPPING=1" "$logs/notify.log"
kill $music_pid $sim_pid $notify_pid 2>/dev/null; pkill -f "aplay -q -D hark_playback" 2>/dev/null
wait 2>/dev/null
cp /run/sim/events.log "$logs/sim-events.log" 2>/dev/null
echo "# done after $SECONDS s in the guest"
finish
