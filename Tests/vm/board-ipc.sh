#!/bin/bash
# VM test (run by run-vm.sh inside the guest): which of systemd's PrivateTmp=, PrivateIPC= and
# RemoveIPC= let Hark share the card with other programs through the shipped dmix (see the
# comment in board/hark.service). Each option is reproduced with the kernel primitive systemd
# uses for it, on the real snd-aloop card, while another program is already playing:
#   PrivateTmp=yes   a new mount namespace with an empty /tmp and /var/tmp
#   PrivateIPC=yes   a new IPC namespace (unshare --ipc)
#   RemoveIPC=yes    at the service's stop, the SysV objects its user owns are removed (ipcrm)
set -u
. /mnt/guest-lib.sh
logs=/mnt/logs; mkdir -p "$logs"
# Not under /tmp: the PrivateTmp variant hides it.
work=$(mktemp -d /mnt/work.XXXXXX)
install_fragments 'defaults.hark.card "Loopback"' 'defaults.hark.capture.device 1'
sox -n -r 48000 -c 2 -b 16 "$work/long.wav" synth 20 sine 440 vol 0.3
sox -n -r 48000 -c 2 -b 16 "$work/short.wav" synth 1 sine 660 vol 0.3
status=$(ls -d /proc/asound/Loopback/pcm0p/sub0)/status

# The other program: already playing through hark_playback when each variant starts.
aplay -q -D hark_playback "$work/long.wav" > "$logs/other.log" 2>&1 &
other=$!
check "the other program is playing through the dmix" wait_running "$status"
ipcs -m > "$logs/ipcs-m.txt"; ipcs -s > "$logs/ipcs-s.txt"
check "the dmix ring is SysV shared memory with the shipped key (0x484...)" grep -q '^0x484' "$logs/ipcs-m.txt"
check "the dmix semaphores use the shipped key" grep -q '^0x484' "$logs/ipcs-s.txt"

# play NAME [WRAPPER...]: aplay of the short tone through hark_playback; exit status kept.
play() {
  local name=$1; shift
  "$@" aplay -q -D hark_playback "$work/short.wav" > "$logs/$name.log" 2>&1
}

play shared-host
check "a second program on the host's IPC and /tmp shares the card" [ $? -eq 0 ]

play private-tmp unshare --mount --propagation private sh -c 'mount -t tmpfs tmp /tmp && mount -t tmpfs tmp /var/tmp && exec "$@"' sh
rc=$?
[ $rc -eq 0 ] || sed 's/^/#   /' "$logs/private-tmp.log"
check "PrivateTmp=yes (own empty /tmp): still shares the card" [ $rc -eq 0 ]
check "no dmix socket in /tmp (alsa-lib attaches with O_APPEND, no fd-passing server)" \
  sh -c "! ls /tmp /var/tmp 2>/dev/null | grep -q alsa"

play private-ipc unshare --ipc
rc=$?
sed 's/^/#   private-ipc: /' "$logs/private-ipc.log" | head -3
check "PrivateIPC=yes (own IPC namespace): cannot share, the card is busy" \
  sh -c "[ $rc -ne 0 ] && grep -qi busy '$logs/private-ipc.log'"

# RemoveIPC=yes: what systemd does when the service stops, while the other program plays on.
for kind in m s; do
  ipcs -$kind | awk '$1 ~ /^0x484/ { print $2 }' | while read -r id; do ipcrm -$kind "$id"; done
done
play after-removeipc
rc=$?
sed 's/^/#   after RemoveIPC: /' "$logs/after-removeipc.log" | head -3
check "RemoveIPC=yes: once the ring is removed, the next program on the card gets busy" \
  sh -c "[ $rc -ne 0 ] && grep -qi busy '$logs/after-removeipc.log'"

kill "$other" 2>/dev/null; wait "$other" 2>/dev/null
rm -rf "$work"
finish
