# Shared helpers for VM test scripts; sourced inside the guest from /mnt/guest-lib.sh
# (run-vm.sh stages it, with the repository's asound.conf.d, into OUT_DIR = /mnt).
#
# A test reports each check as one line, "ok - what" or "not ok - what", and exits non-zero
# when any failed; run-tests.sh counts those lines.

failures=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: runs the command, reports by its exit status.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
finish() { echo "# $failures check(s) failed"; [ "$failures" -eq 0 ]; }

# Installs the shipped fragments the way a board does, in /etc/alsa/conf.d (where Debian 12's
# alsa.conf loads *.conf from), plus the local settings given as arguments in a later file.
# The guest root is read-only, so the directory is first copied onto a tmpfs over itself.
install_fragments() {
  local keep; keep=$(mktemp -d)
  cp -a /etc/alsa/conf.d/. "$keep/"
  mount -t tmpfs hark-conf /etc/alsa/conf.d
  cp -a "$keep/." /etc/alsa/conf.d/
  cp /mnt/asound.conf.d/*.conf /etc/alsa/conf.d/
  printf '%s\n' "$@" > /etc/alsa/conf.d/51-hark-local.conf
}

# band FILE HZ FIELD [SOX_EFFECTS...]: a sox `stat` FIELD ("RMS", "Maximum") of FILE narrowed to
# HZ ± 20 Hz by a steep band-pass, after optional effects applied first (e.g. "trim -0.5").
band() {
  local file=$1 hz=$2 field=$3; shift 3
  sox "$file" -n "$@" sinc -t 20 $((hz - 20))-$((hz + 20)) stat 2>&1 | awk -v f="$field" '$1 == f && /amplitude/ {print $3}'
}
# has_tone FILE HZ [SOX_EFFECTS...]: a tone at HZ is clearly there somewhere in FILE. The peak of
# the band, not its RMS, so that a 3 s tone in a long recording counts as much as in a short one.
# Measured: a played tone peaks at 0.33-0.39 in this band, a tone that is absent at <= 0.035.
has_tone() {
  local file=$1 hz=$2; shift 2
  local peak; peak=$(band "$file" "$hz" Maximum "$@")
  echo "#   $(basename "$file") ${hz} Hz band peak=${peak:-none}"
  awk -v x="${peak:-0}" 'BEGIN { exit !(x > 0.1) }'
}
# lacks_tone FILE HZ: nothing at HZ over the whole file (RMS < 0.005): the control that shows
# has_tone's band is narrow enough to tell the tones apart.
lacks_tone() {
  local rms; rms=$(band "$1" "$2" RMS)
  echo "#   $(basename "$1") ${2} Hz band rms=${rms:-none} (expected silence)"
  awk -v x="${rms:-1}" 'BEGIN { exit !(x < 0.005) }'
}
# duration FILE: length in seconds.
duration() { soxi -D "$1" 2>/dev/null || echo 0; }
at_least() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x >= y) }'; }
# wait_running STATUS_FILE: waits up to 5 s for a /proc/asound/.../status to say RUNNING.
wait_running() {
  local i
  for i in $(seq 50); do grep -q RUNNING "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
# fix_length FILE: rewrites a WAV whose header still claims the maximum length (arecord ended
# by a signal leaves it so) with the length of the data actually there.
fix_length() {
  sox --ignore-length "$1" "$1.fixed.wav" 2>/dev/null && mv "$1.fixed.wav" "$1"
}

# gpio_sim_chip: a gpio-sim chip whose line 0 is a button, released (pulled up), and line 1 a
# light. Sets chip (its name), button (the line's sysfs pull file: write pull-down to press) and
# led (the light line's sysfs value file).
gpio_sim_chip() {
  local g=/sys/kernel/config/gpio-sim/hark dev
  mkdir "$g" "$g/bank0" "$g/bank0/line0" "$g/bank0/line1"
  echo 2 > "$g/bank0/num_lines"; echo button > "$g/bank0/line0/name"; echo led > "$g/bank0/line1/name"
  echo 1 > "$g/live"
  chip=$(cat "$g/bank0/chip_name"); dev=$(cat "$g/dev_name")
  button=/sys/devices/platform/$dev/$chip/sim_gpio0/pull
  led=/sys/devices/platform/$dev/$chip/sim_gpio1/value
  echo pull-up > "$button"
}
# press / release: the button on the gpio_sim_chip line (active-low, pulled up when released).
press()   { echo pull-down > "$button"; }
release() { echo pull-up > "$button"; }

# A `hark run --transcript` writing to $logs/run.out:
# count PATTERN: lines of the transcript matching.
# (grep -c prints 0 itself when nothing matches; nothing at all when the file is missing.)
count() { local n; n=$(grep -c -- "$1" "$logs/run.out" 2>/dev/null); echo "${n:-0}"; }
# wait_count PATTERN N SECONDS: until the transcript has N matching lines.
wait_count() {
  local until=$((SECONDS + $3))
  while [ $SECONDS -lt $until ]; do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  return 1
}
# last_state: the session's last state line in the transcript.
last_state() { grep "  state " "$logs/run.out" | tail -1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start_sim RUN_DIR REPLY_MP3 STOP_CAPTURE_MS LOG: hark-sim on loopback answering every
# Recognize with REPLY_MP3 after STOP_CAPTURE_MS of audio (code-pair linking takes one poll).
# Sets sim_pid and port (empty when it did not start within 60 s).
start_sim() {
  local dir=$1
  cat > "$dir.toml" <<CONF
[server]
response_delay_ms = 100
[auth]
poll_interval_s = 1
pending_polls = 1
slow_down_polls = []
[[recognize]]
speak_mp3 = "$2"
stop_capture_after_ms = $3
CONF
  "$sim" --scenario "$dir.toml" --run-dir "$dir" --port-file "$dir.port" > "$4" 2>&1 & sim_pid=$!
  for _ in $(seq 600); do [ -s "$dir.port" ] && break; sleep 0.1; done
  port=$(cat "$dir.port" 2>/dev/null)
}

# hark_config FILE STATE_DIR SERIAL: hark.toml against that hark-sim ($port, its CA in the run
# directory given as CA), the shipped PCMs, the button and light of $chip; more sections can be
# appended.
hark_config() {
  cat > "$1" <<CONF
[avs]
endpoint = "https://127.0.0.1:$port"
ca_file = "$CA"
[auth]
lwa_url = "https://127.0.0.1:$port/auth/O2"
client_id = "hark-sim-client"
product_id = "hark-vm"
device_serial = "$3"
[state]
dir = "$2"
[audio]
capture_device = "hark_capture"
playback_device = "hark_playback"
[session]
trigger = "none"
[gpio]
chip = "$chip"
button_line = 0
led_line = 1
active_low = true
bias = "pull-up"
debounce_ms = 30
hold_ms = 600
long_press_ms = 10000
[feedback]
earcons = true
[log]
level = "debug"
CONF
}
