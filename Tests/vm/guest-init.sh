#!/bin/sh
# PID 1 of the test VM (packed into the initramfs by run-vm.sh; busybox only).
#
# Loads the drivers the tests need, shares the host's root filesystem read-only at the same
# paths, gives the guest writable scratch space, runs the test named on the kernel command line
# as root in a chroot, and prints its exit code where run-vm.sh looks for it.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# 9p over virtio carries the host's files; snd-aloop is the sound card; gpio-sim (built by
# run-vm.sh) needs configfs to create chips. Order matters: dependencies first.
for m in netfs 9pnet 9pnet_virtio 9p soundcore snd snd-timer snd-pcm snd-aloop configfs gpio-sim; do
  insmod "/mods/$m.ko" || echo "guest-init: could not load $m"
done

mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /host/mnt
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount --bind /dev /host/dev
mount -t configfs configfs /host/sys/kernel/config
# The host root is read-only: /tmp, /run and /dev/shm must be fresh and writable. dmix and
# dsnoop keep their server socket in /tmp and their ring buffers in SysV shared memory.
mount -t tmpfs tmp /host/tmp
mount -t tmpfs run /host/run
mkdir -p /host/dev/shm && mount -t tmpfs shm /host/dev/shm

test=$(sed -n 's/.*hark.test=\([^ ]*\).*/\1/p' /proc/cmdline)
chroot /host /usr/bin/env -i HOME=/tmp PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/sh -c 'set -a; [ -f /mnt/.vm-env ] && . /mnt/.vm-env; set +a; exec "/mnt/$0"' "$test"
echo "HARK-VM-EXIT=$?"
poweroff -f
