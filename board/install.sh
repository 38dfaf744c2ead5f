#!/bin/sh
# Installs Hark on a board from a source checkout: the hark user and groups, the binary, the
# configuration, the ALSA fragment, the systemd units and the udev rule. Safe to run again
# (an upgrade is the same command); an edited /etc/hark/hark.toml is never overwritten.
#
#   sudo board/install.sh [--binary out/hark] [--prefix /usr/local]
#   sudo board/install.sh --uninstall [--purge]
#
# Options:
#   --binary PATH   the hark executable to install (default: out/hark from `make release`)
#   --prefix DIR    where bin/hark and share/doc/hark go (default /usr/local); the unit's
#                   ExecStart= is written to match
#   --destdir DIR   install under DIR instead of / (also $DESTDIR): for packaging and tests.
#                   Users and groups are then made in DIR/etc/passwd and DIR/etc/group
#                   (useradd --prefix), and systemctl/udevadm are not called.
#   --uninstall     remove what was installed; keeps the configuration if edited, the state
#                   (/var/lib/hark: the account link) and the hark user
#   --purge         with --uninstall: also remove /etc/hark, /var/lib/hark and the hark user
#   --no-enable     do not `systemctl enable hark` (it is never started by this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
binary=$repo/out/hark
prefix=/usr/local
destdir=${DESTDIR:-}
action=install
purge=no
enable=yes

die() { echo "install.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --destdir) destdir=${2:?--destdir needs a directory}; shift 2 ;;
    --uninstall) action=uninstall; shift ;;
    --purge) purge=yes; shift ;;
    --no-enable) enable=no; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1'; see '$0 --help'" ;;
  esac
done
[ "$purge" = no ] || [ "$action" = uninstall ] || die "--purge only goes with --uninstall"
case $prefix in /*) ;; *) die "--prefix must be an absolute path, not '$prefix'" ;; esac
destdir=${destdir%/}
[ "$(id -u)" -eq 0 ] || [ -n "$destdir" ] || die "run as root (sudo), or give --destdir"

# Where things go (relative to the root, $destdir prepended when written).
bin=$prefix/bin/hark
doc=$prefix/share/doc/hark
config=/etc/hark/hark.toml
state=/var/lib/hark
alsa=/etc/alsa/conf.d/50-hark.conf
units=/etc/systemd/system
udev=/etc/udev/rules.d/60-hark-gpio.rules

say() { echo "install.sh: $*"; }
# live: true when installing onto the running system (not into a destdir).
live() { [ -z "$destdir" ]; }
# The ids of a group/user as the target's files know them (numbers work in a destdir too).
group_id() { awk -F: -v n="$1" '$1 == n { print $3 }' "$destdir/etc/group" 2>/dev/null; }
user_id() { awk -F: -v n="$1" '$1 == n { print $3 }' "$destdir/etc/passwd" 2>/dev/null; }
with_prefix() { if live; then "$@"; else "$@" --prefix "$destdir"; fi; }

# put SOURCE TARGET MODE: installs a file when it is missing or different; says which.
put() {
  if [ -f "$destdir$2" ] && cmp -s "$1" "$destdir$2"; then
    chmod "$3" "$destdir$2"
    return 0
  fi
  install -D -m "$3" "$1" "$destdir$2"
  say "installed $2"
}

ensure_accounts() {
  mkdir -p "$destdir/etc"
  for group in gpio hark; do
    if [ -z "$(group_id "$group")" ] && ! { live && getent group "$group" >/dev/null; }; then
      with_prefix groupadd --system "$group"
      say "created group $group"
    fi
  done
  [ -n "$(group_id audio)" ] || { live && getent group audio >/dev/null; } \
    || die "there is no 'audio' group: is this a Debian-based system?"
  if [ -z "$(user_id hark)" ] && ! { live && getent passwd hark >/dev/null; }; then
    with_prefix useradd --system --gid hark --groups audio,gpio --home-dir "$state" --no-create-home \
      --shell /usr/sbin/nologin --comment "Hark voice appliance" hark
    say "created user hark (groups audio, gpio)"
  else
    # An older install may predate a group: make sure hark is in both.
    with_prefix usermod --append --groups audio,gpio hark
  fi
}

install_files() {
  [ -x "$binary" ] || die "no executable at $binary: run 'make release' first or give --binary"
  ensure_accounts
  hark_gid=$(group_id hark); hark_uid=$(user_id hark)
  put "$binary" "$bin" 0755
  # The unit runs the binary where it was installed.
  unit=$(mktemp); trap 'rm -f "$unit"' EXIT
  sed "s|^ExecStart=/usr/bin/hark |ExecStart=$bin |" "$here/hark.service" > "$unit"
  put "$unit" "$units/hark.service" 0644
  put "$here/hark-retry.timer" "$units/hark-retry.timer" 0644
  put "$here/60-hark-gpio.rules" "$udev" 0644
  put "$repo/asound.conf.d/50-hark.conf" "$alsa" 0644
  # The same names as in the Debian package.
  put "$repo/README.md" "$doc/README.md" 0644
  put "$here/RASPBERRY-PI.md" "$doc/RASPBERRY-PI.md" 0644
  put "$repo/asound.conf.d/README.md" "$doc/asound.conf.d-README.md" 0644
  put "$here/hark.toml" "$doc/hark.toml.example" 0644
  # The configuration: the shipped one when there is none; an edited one stays, and the new
  # example is put beside it for comparison. Readable by group hark only (client_secret).
  mkdir -p "$destdir/etc/hark"
  if [ ! -e "$destdir$config" ]; then
    install -m 0640 "$here/hark.toml" "$destdir$config"
    say "installed $config: set auth.client_id, auth.product_id and auth.device_serial in it"
  elif ! cmp -s "$here/hark.toml" "$destdir$config"; then
    if ! cmp -s "$here/hark.toml" "$destdir$config.dist" 2>/dev/null; then
      install -m 0644 "$here/hark.toml" "$destdir$config.dist"
      say "kept your edited $config; the shipped one is $config.dist"
    fi
  fi
  chown "0:$hark_gid" "$destdir/etc/hark" "$destdir$config"
  chmod 0750 "$destdir/etc/hark"
  chmod 0640 "$destdir$config"
  # State: made now so that `sudo -u hark hark login` works before the service first starts.
  mkdir -p "$destdir$state"
  chown "$hark_uid:$hark_gid" "$destdir$state"
  chmod 0700 "$destdir$state"
  if live; then
    systemctl daemon-reload 2>/dev/null || say "systemd is not running here: skipped daemon-reload"
    udevadm control --reload 2>/dev/null && udevadm trigger --subsystem-match=gpio 2>/dev/null || true
    if [ "$enable" = yes ]; then systemctl enable hark.service 2>/dev/null || say "could not enable hark.service"; fi
    cat <<NEXT
install.sh: done. Next:
  1. edit $config (auth.client_id, auth.product_id, auth.device_serial; the card in
     /etc/alsa/conf.d/51-hark-card.conf, see $doc/asound.conf.d-README.md)
  2. sudo -u hark $bin login          link the Amazon account
  3. sudo -u hark $bin doctor         every line should say ✓
  4. sudo systemctl start hark        (enabled: it also starts at boot)
NEXT
  fi
}

uninstall_files() {
  if live; then
    systemctl disable --now hark.service hark-retry.timer 2>/dev/null || true
  fi
  for path in "$bin" "$units/hark.service" "$units/hark-retry.timer" "$udev" "$alsa"; do
    if [ -e "$destdir$path" ] || [ -L "$destdir$path" ]; then rm -f "$destdir$path"; say "removed $path"; fi
  done
  [ -d "$destdir$doc" ] && rm -rf "$destdir$doc" && say "removed $doc"
  rm -f "$destdir$config.dist"
  # The configuration goes only when it is the shipped one (or with --purge).
  if [ -f "$destdir$config" ] && cmp -s "$here/hark.toml" "$destdir$config"; then
    rm -f "$destdir$config"; say "removed $config (unedited)"
  fi
  rmdir "$destdir/etc/hark" 2>/dev/null || true
  if [ "$purge" = yes ]; then
    rm -rf "$destdir/etc/hark" "$destdir$state"
    say "purged /etc/hark and $state (the account link is gone)"
    if [ -n "$(user_id hark)" ] || { live && getent passwd hark >/dev/null; }; then
      with_prefix userdel hark && say "removed user hark"
    fi
    if [ -n "$(group_id hark)" ] || { live && getent group hark >/dev/null; }; then
      with_prefix groupdel hark 2>/dev/null && say "removed group hark" || true
    fi
  elif [ -d "$destdir$state" ]; then
    say "kept $state (the account link) and the hark user; --purge removes them"
  fi
  if live; then
    systemctl daemon-reload 2>/dev/null || true
    udevadm control --reload 2>/dev/null || true
  fi
}

case $action in
  install) install_files ;;
  uninstall) uninstall_files ;;
esac
