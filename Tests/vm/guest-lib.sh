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

# band_rms FILE LOW HIGH [SOX_EFFECTS...]: RMS amplitude (0..1) of FILE between LOW and HIGH Hz,
# after optional effects applied first (e.g. "trim -1" for the last second).
band_rms() {
  local file=$1 low=$2 high=$3; shift 3
  sox "$file" -n "$@" sinc "$low-$high" stat 2>&1 | awk '/RMS +amplitude/ {print $3}'
}
# has_tone FILE HZ [SOX_EFFECTS...]: a tone at HZ (±30 Hz) is clearly there (RMS > 0.02,
# about -34 dBFS; the test plays its tones at RMS 0.2 each).
has_tone() {
  local file=$1 hz=$2; shift 2
  local rms; rms=$(band_rms "$file" $((hz - 30)) $((hz + 30)) "$@")
  echo "#   $(basename "$file") ${hz} Hz band rms=${rms:-none}"
  awk -v x="${rms:-0}" 'BEGIN { exit !(x > 0.02) }'
}
# lacks_tone FILE HZ: nothing at HZ (RMS < 0.005): the control that proves has_tone can fail.
lacks_tone() {
  local rms; rms=$(band_rms "$1" $(($2 - 30)) $(($2 + 30)))
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
