#!/usr/bin/env bash
# The container without Docker: hark runs the way the image runs it, as UID 1000 in a fresh
# mount namespace (unshare) that shares nothing of the host's /tmp, /run, /home or /root; the
# only way out to sound is the PulseAudio socket, bind-mounted at /run/pulse/native with
# PULSE_SERVER pointing at it (the README's `-v $XDG_RUNTIME_DIR/pulse/native:... -e
# PULSE_SERVER=...` recipe). A real PulseAudio daemon plays into a null sink; hark-sim answers
# on loopback over HTTP/2 + TLS. One tap-to-talk turn must be heard on the sink: its monitor
# is recorded, and the recording must be loud and follow the simulator's reply.
. "$(dirname "$0")/lib.sh"

hark=$(hark_binary)
sim=${HARK_SIM_BIN:-$repo/.build/debug/hark-sim}
for tool in "$hark" "$sim" /usr/bin/pulseaudio /usr/bin/parec /usr/bin/pactl /usr/bin/sox /usr/bin/unshare /usr/bin/setpriv; do
  [ -x "$tool" ] || { not_ok "$tool is there (swift build --build-tests; make deps)"; finish; exit; }
done
[ "$(id -u)" -eq 0 ] || { not_ok "runs as root (unshare --mount, setpriv)"; finish; exit; }
echo "# hark: $hark"

work=$(mktemp -d /tmp/hark-container.XXXXXX); chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# hark-sim: stops capture after 1.5 s, then speaks its reply ("It is ten o'clock").
printf '[[recognize]]\nstop_capture_after_ms = 1500\n' > "$work/scenario.toml"
"$sim" --scenario "$work/scenario.toml" --run-dir "$work/sim" --port-file "$work/port" 2>"$work/sim.err" &
pids+=($!)
# PulseAudio with a silent microphone and a null speaker, anonymous clients on its socket.
mkdir -p "$work/pulse"; printf 'autospawn = no\n' > "$work/pulse/client.conf"
HOME=$work/pulse XDG_RUNTIME_DIR=$work/pulse /usr/bin/pulseaudio -n -F /dev/null --daemonize=no --system=false \
  --use-pid-file=no --exit-idle-time=-1 --realtime=no --high-priority=no --disable-shm=yes --log-level=error \
  "--load=module-null-source source_name=mic rate=16000 channels=1" \
  "--load=module-null-sink sink_name=speaker rate=48000 channels=2" \
  "--load=module-native-protocol-unix socket=$work/pulse/native auth-anonymous=1" 2>"$work/pulse.err" &
pids+=($!)
export PULSE_SERVER=unix:$work/pulse/native PULSE_CLIENTCONFIG=$work/pulse/client.conf
for _ in $(seq 200); do [ -s "$work/port" ] && [ -S "$work/pulse/native" ] && pactl info >/dev/null 2>&1 && break; sleep 0.05; done
check "hark-sim and PulseAudio are up" sh -c "[ -s '$work/port' ] && pactl info >/dev/null 2>&1"
pactl set-default-sink speaker; pactl set-default-source mic
port=$(cat "$work/port")
# What the speaker plays, from the sink's monitor (24 kHz mono, the reply's own format).
parec --device=speaker.monitor --raw --format=s16le --rate=24000 --channels=1 --latency-msec=10 > "$work/heard.raw" &
pids+=($!)

# The "image": binary, configuration, CA and state on a tmpfs the namespace mounts at /mnt.
stage=$work/image; mkdir -p "$stage/home" "$work/state"
cp "$hark" "$stage/hark"; cp "$work/sim/ca.pem" "$stage/ca.pem"
# The state directory is a volume: a host directory bind-mounted at /var/lib/hark's place.
printf 'Atzr|hark-sim-refresh\n' > "$work/state/refresh-token"; chmod 600 "$work/state/refresh-token"
chown -R 1000:1000 "$work/state" "$stage/home"; chmod 700 "$work/state"
cat > "$stage/hark.toml" <<TOML
# No audio devices named: hark chooses, as in the image (PULSE_SERVER set and answering: pulse).
[avs]
endpoint = "https://127.0.0.1:$port"
ca_file = "/mnt/ca.pem"
[auth]
lwa_url = "https://127.0.0.1:$port/auth/O2"
client_id = "hark-sim-client"
product_id = "hark-container"
device_serial = "container-0001"
[state]
dir = "/mnt/state"
[session]
trigger = "none"
[feedback]
# The check below compares what the sink heard with the reply alone.
earcons = false
[control]
socket = "/mnt/state/control.sock"
TOML

unshare --mount --propagation private -- /bin/sh -c '
  set -e
  work=$1; shift
  # The image: its ALSA fragments are the shipped 50-hark.conf plus the ALSA plugins (pulse).
  conf=$(mktemp -d "$work/alsa.XXXXXX"); cp -a /etc/alsa/conf.d/. "$conf/"; cp "$0" "$conf/50-hark.conf"
  mount -t tmpfs -o mode=755 image /etc/alsa/conf.d; cp -a "$conf/." /etc/alsa/conf.d/
  mount -t tmpfs -o mode=755 image /mnt; cp -a "$work/image/." /mnt/
  mkdir /mnt/state; mount --bind "$work/state" /mnt/state
  # Only the PulseAudio socket crosses over.
  mount -t tmpfs -o mode=755 run /run; mkdir -p /run/pulse; touch /run/pulse/native
  mount --bind "$work/pulse/native" /run/pulse/native
  for dir in /tmp /home /root; do mount -t tmpfs -o mode=1777 empty "$dir"; done
  # Host /tmp is gone now (the simulator run directory and the pulse directory with it).
  [ ! -e "$work" ]
  exec setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all \
    env -i PATH=/usr/bin:/bin HOME=/mnt/home PULSE_SERVER=unix:/run/pulse/native HARK_LOG_LEVEL=info \
    /mnt/hark "$@"
' "$repo/asound.conf.d/50-hark.conf" "$work" run --config /mnt/hark.toml --transcript --turns 1 --tap-after 500 --timeout 45 \
  > "$work/hark.out" 2> "$work/hark.err" &
runner=$!
# Who the process is, from /proc while it runs (its exe is /mnt/hark inside the namespace).
credentials=""
while kill -0 "$runner" 2>/dev/null; do
  for pid in $(pgrep -x hark); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /mnt/hark ] || continue
    credentials=$(awk '/^(Uid|Gid|Groups|CapEff):/ { printf "%s ", $0 }' "/proc/$pid/status" | tr -s '\t ' ' ')
  done
  [ -n "$credentials" ] && break
  sleep 0.05
done
wait "$runner"; rc=$?
echo "# hark process: ${credentials:-not seen}"
sed 's/^/#   /' "$work/hark.out" | head -40
[ "$rc" -eq 0 ] || { sed 's/^/#   err: /' "$work/hark.err" | tail -20; sed 's/^/#   sim: /' "$work/sim.err" | tail -5; }
check "hark run (UID 1000, private mounts) completes one turn and exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "hark chose the pulse PCM because PULSE_SERVER answers" grep -q 'capture device: pulse' "$work/hark.err"
check "the speaker played the reply (SpeechFinished)" grep -q 'SpeechSynthesizer.SpeechFinished' "$work/hark.out"
check "hark ran as UID/GID 1000 with no other groups and no capabilities" \
  grep -qE '^Uid: 1000 1000 1000 1000 Gid: 1000 1000 1000 1000 Groups: ?CapEff: 0+ $' <<<"$credentials"
sleep 0.5

# Heard vs sent: 20 ms RMS envelopes of the recording and of the reply decoded from the same
# MP3 the simulator speaks; the best Pearson correlation over all offsets.
sox "$repo/Fixtures/ten-oclock-24k-mono.mp3" -t raw -r 24000 -c 1 -e signed-integer -b 16 "$work/reply.raw" 2>/dev/null
bytes=$(stat -c %s "$work/heard.raw")
echo "# recorded $((bytes / 48)) ms from speaker.monitor"
envelope() { od -An -v -td2 -w2 "$1" | awk '{ s += $1 * $1; n++ } n == 480 { printf "%.1f\n", sqrt(s / n); s = 0; n = 0 }'; }
envelope "$work/reply.raw" > "$work/reply.env"; envelope "$work/heard.raw" > "$work/heard.env"
loudest=$(sort -n "$work/heard.env" | tail -1)
echo "# loudest 20 ms of the recording: RMS ${loudest:-0} (of 32768)"
check "the null sink heard sound (loudest 20 ms RMS ${loudest:-0} > 300)" awk -v x="${loudest:-0}" 'BEGIN { exit !(x > 300) }'
best=$(awk 'NR == FNR { r[n++] = $1; next } { h[m++] = $1 }
  END {
    best = -1
    for (lag = 0; lag + n <= m; lag++) {
      sr = sh = srr = shh = srh = 0
      for (i = 0; i < n; i++) { a = r[i]; b = h[lag + i]; sr += a; sh += b; srr += a * a; shh += b * b; srh += a * b }
      cov = srh - sr * sh / n; vr = srr - sr * sr / n; vh = shh - sh * sh / n
      if (vr > 0 && vh > 0) { c = cov / sqrt(vr * vh); if (c > best) best = c }
    }
    printf "%.3f\n", best
  }' "$work/reply.env" "$work/heard.env")
echo "# envelope correlation with the reply: $best"
check "what the sink heard follows the reply (envelope correlation $best >= 0.8)" awk -v x="$best" 'BEGIN { exit !(x >= 0.8) }'
finish
