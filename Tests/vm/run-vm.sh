#!/usr/bin/env bash
# Run one test script as root inside a small VM that has real kernel audio and GPIO drivers.
#
#   Tests/vm/run-vm.sh TEST_SCRIPT [OUT_DIR]        exit code = the test script's
#
# The guest is a Debian 6.12 kernel under qemu with:
#   - snd-aloop: one sound card, id "Loopback". What is played on hw:Loopback,0,N is captured
#     on hw:Loopback,1,N (and the other way round), so dmix, dsnoop, plug and xrun recovery run
#     against the real ALSA kernel interface with several programs on the card at once.
#   - gpio-sim with configfs at /sys/kernel/config: a test can create a gpiochip and drive its
#     input lines by writing pull-up / pull-down to sysfs.
# The host's root filesystem is visible read-only at the same paths (so a built `hark` and this
# machine's alsa-lib, alsa-utils and sox are there); /tmp, /run and /dev/shm are empty tmpfs,
# so nothing under the host's /tmp is visible. OUT_DIR (default: a new temp dir) is shared
# read-write at /mnt: TEST_SCRIPT is copied there and run as /mnt/<name>, with guest-lib.sh and
# the repository's asound.conf.d/*.conf beside it; results stay there. A HARK_BIN under /tmp is
# copied to /mnt/bin/hark
# (HARK_SIM_BIN likewise to /mnt/bin/hark-sim, and a HARK_REPO under /tmp has its Fixtures
# copied to /mnt/Fixtures).
# Every HARK_* variable of the caller's environment (except HARK_VM_*) is exported in the guest.
#
# Environment:
#   HARK_VM_CACHE    where the kernel, gpio-sim module and initramfs are kept (/var/cache/hark-vm)
#   HARK_VM_TIMEOUT  seconds before the VM is killed (default: the script's "# vm-timeout: N"
#                    line, else 300)
#   HARK_VM_QUIET    1: keep the guest console in OUT_DIR/console.log only
#
# Exit codes besides the test's: 96 the rig could not be prepared, 97 the guest never reported
# an exit code (crash, timeout).
#
# Why it is built this way (measured on the CI machine):
#   - TCG, not KVM: /dev/kvm there is a paravirtual KVM that reports itself enabled but cannot
#     boot a stock kernel.
#   - One vCPU: multi-threaded TCG with -smp 2 crashed the guest early in about 1 boot in 30.
#   - Debian's 6.12 kernel has virtio-pci built in and 9p and snd-aloop as modules, so a
#     busybox initramfs with a dozen modules is enough; no disk image.
#   - gpio-sim is not enabled in Debian's kernel: it is built out of tree from linux-source
#     with the interrupt simulator (kernel/irq/irq_sim.c) compiled into the same module, one
#     unexported irq_to_desc() call replaced. The headers must be those of the booted kernel.
# First run: downloads the kernel, installs its headers and linux-source on this machine and
# builds gpio-sim: measured 58 s on a fresh machine (27 s with the headers already installed),
# 120 MB in the cache. Later runs: about 6 s of boot plus the test (8 s for a trivial one).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 TEST_SCRIPT [OUT_DIR]" >&2; exit 2; }
test_script=$1
out=${2:-$(mktemp -d /tmp/hark-vm.XXXXXX)}
cache=${HARK_VM_CACHE:-/var/cache/hark-vm}
[ -f "$test_script" ] || { echo "run-vm: no test script $test_script" >&2; exit 2; }
mkdir -p "$cache" "$out"
out=$(cd "$out" && pwd)

die() { echo "run-vm: $*" >&2; exit 96; }
apt_install() {
  # Waits for a dpkg lock held by someone else instead of failing at once.
  DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$@" >/dev/null
}

host_tools() {
  local missing=()
  command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v xz >/dev/null || missing+=(xz-utils)
  command -v depmod >/dev/null || missing+=(kmod)
  command -v cpio >/dev/null || missing+=(cpio)
  if [ ${#missing[@]} -gt 0 ]; then apt-get update -qq && apt_install "${missing[@]}"; fi
}

# The newest 6.12 kernel in the archive, unpacked into $cache/linux-<version>/ (not installed).
# Prints the kernel version. Its headers package must exist too: gpio-sim is built against them.
fetch_kernel() {
  local kv
  kv=$(cat "$cache/hark-kernel-version" 2>/dev/null || true)
  if [ -n "$kv" ] && [ -f "$cache/linux-$kv/boot/vmlinuz-$kv" ]; then echo "$kv"; return; fi
  apt-get update -qq
  local pkg
  pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' \
        | awk '{print $1}' | sort -V | tail -1)
  [ -n "$pkg" ] || die "no linux-image-6.12.*-amd64-unsigned package in the apt sources"
  kv=${pkg#linux-image-}; kv=${kv%-unsigned}
  local dl; dl=$(mktemp -d "$cache/dl.XXXXXX")
  (cd "$dl" && apt-get download -qq "$pkg" >/dev/null) || die "could not download $pkg"
  rm -rf "$cache/linux-$kv"
  dpkg-deb -x "$dl"/*.deb "$cache/linux-$kv"
  rm -rf "$dl"
  echo "$kv" > "$cache/hark-kernel-version"
  echo "$kv"
}

# gpio-sim as an out-of-tree module for kernel $1: $cache/gpio-sim-$1/gpio-sim-oot.ko
build_gpio_sim() {
  local kv=$1 dir="$cache/gpio-sim-$1"
  [ -f "$dir/gpio-sim-oot.ko" ] && return
  apt_install "linux-headers-$kv" linux-source-6.12 make gcc || die "could not install linux-headers-$kv"
  rm -rf "$dir"; mkdir -p "$dir/src"
  tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$dir/src" --strip-components=1 --wildcards \
    '*/drivers/gpio/gpio-sim.c' '*/kernel/irq/irq_sim.c' '*/include/linux/irq_sim.h'
  local b="$dir/build"; mkdir -p "$b/include/linux"
  cp "$dir/src/drivers/gpio/gpio-sim.c" "$dir/src/kernel/irq/irq_sim.c" "$b/"
  cp "$dir/src/include/linux/irq_sim.h" "$b/include/linux/"
  # irq_to_desc() is not exported to modules; irq_data_to_desc(irq_get_irq_data()) is.
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/handle_simple_irq(irq_data_to_desc(irq_get_irq_data(irqnum)));/' "$b/irq_sim.c"
  ! grep -q 'irq_to_desc(' "$b/irq_sim.c" || die "irq_sim.c no longer matches the patch; update build_gpio_sim"
  printf '%s\n' 'obj-m := gpio-sim-oot.o' 'gpio-sim-oot-y := gpio-sim.o irq_sim.o' \
    'ccflags-y := -I$(src)/include' > "$b/Makefile"
  make -s -C "/usr/src/linux-headers-$kv" M="$b" modules >/dev/null || die "gpio-sim did not build"
  cp "$b/gpio-sim-oot.ko" "$dir/"
}

# A busybox initramfs with the modules the guest loads and guest-init.sh as /init. It is
# repacked whenever guest-init.sh changes (the name carries a hash of it and the kernel version).
pack_initramfs() {
  local kv=$1
  local stamp; stamp=$(cat "$here/guest-init.sh" "$cache/gpio-sim-$kv/gpio-sim-oot.ko" | sha256sum | cut -c1-12)
  initrd="$cache/hark-initrd-$kv-$stamp.gz"
  [ -f "$initrd" ] && return
  local r; r=$(mktemp -d "$cache/initrd.XXXXXX")
  mkdir -p "$r"/{bin,mods,proc,sys,dev,host}
  cp /bin/busybox "$r/bin/"
  for applet in sh mount insmod chroot poweroff mkdir sed cat; do ln -s busybox "$r/bin/$applet"; done
  local mods="$cache/linux-$kv/lib/modules/$kv/kernel"
  for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/configfs/configfs \
           sound/soundcore sound/core/snd sound/core/snd-timer sound/core/snd-pcm sound/drivers/snd-aloop; do
    xz -dc "$mods/$m.ko.xz" > "$r/mods/${m##*/}.ko" || die "module $m missing from linux-$kv"
  done
  cp "$cache/gpio-sim-$kv/gpio-sim-oot.ko" "$r/mods/gpio-sim.ko"
  cp "$here/guest-init.sh" "$r/init"; chmod +x "$r/init"
  (cd "$r" && find . | cpio -o -H newc --quiet | gzip -1 > "$initrd.part") && mv "$initrd.part" "$initrd"
  rm -rf "$r"
}

# Export the caller's HARK_* settings to the guest, quoted for /bin/sh.
write_guest_env() {
  local name value
  : > "$out/.vm-env"
  while IFS='=' read -r name _; do
    case $name in HARK_VM_*|'') continue ;; esac
    value=${!name}
    printf "%s='%s'\n" "$name" "${value//\'/\'\\\'\'}" >> "$out/.vm-env"
  done < <(env | grep -E '^HARK_[A-Za-z0-9_]*=' || true)
}

host_tools
# One preparer at a time: a second run waits here instead of downloading the kernel again.
exec 9>"$cache/.lock"
flock 9
kv=$(fetch_kernel)
build_gpio_sim "$kv"
pack_initramfs "$kv"
flock -u 9

name=$(basename "$test_script")
cp "$test_script" "$out/$name"; chmod +x "$out/$name"
# What every test needs besides the host's files: the helpers and the shipped ALSA fragments.
cp "$here/guest-lib.sh" "$out/"
rm -rf "$out/asound.conf.d"; mkdir -p "$out/asound.conf.d"
cp "$here/../../asound.conf.d/"*.conf "$out/asound.conf.d/"
# The guest cannot see the host's /tmp: a binary built there travels through OUT_DIR.
if [ -n "${HARK_BIN:-}" ] && [ "${HARK_BIN#/tmp/}" != "$HARK_BIN" ] && [ -f "$HARK_BIN" ]; then
  mkdir -p "$out/bin"; cp "$HARK_BIN" "$out/bin/hark"; HARK_BIN=/mnt/bin/hark
fi
if [ -n "${HARK_SIM_BIN:-}" ] && [ "${HARK_SIM_BIN#/tmp/}" != "$HARK_SIM_BIN" ] && [ -f "$HARK_SIM_BIN" ]; then
  mkdir -p "$out/bin"; cp "$HARK_SIM_BIN" "$out/bin/hark-sim"; HARK_SIM_BIN=/mnt/bin/hark-sim
fi
if [ -n "${HARK_REPO:-}" ] && [ "${HARK_REPO#/tmp/}" != "$HARK_REPO" ] && [ -d "$HARK_REPO/Fixtures" ]; then
  rm -rf "$out/Fixtures"; cp -r "$HARK_REPO/Fixtures" "$out/"; HARK_REPO=/mnt
fi
write_guest_env
log="$out/console.log"
vm_timeout=${HARK_VM_TIMEOUT:-$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\)$/\1/p' "$test_script" | head -1)}
vm_timeout=${vm_timeout:-300}
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 1024 -nographic -no-reboot -nic none
  -kernel "$cache/linux-$kv/boot/vmlinuz-$kv" -initrd "$initrd"
  -append "console=ttyS0 panic=-1 quiet hark.test=$name"
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
  -virtfs "local,path=$out,mount_tag=results,security_model=none")
if [ "${HARK_VM_QUIET:-0}" = 1 ]; then
  timeout "$vm_timeout" "${qemu[@]}" > "$log" 2>&1 || true
else
  timeout "$vm_timeout" "${qemu[@]}" 2>&1 | tee "$log" || true
fi
rc=$(sed -n 's/.*HARK-VM-EXIT=\([0-9]*\).*/\1/p' "$log" | tail -1)
exit "${rc:-97}"
