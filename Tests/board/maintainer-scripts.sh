#!/usr/bin/env bash
# The Debian package's maintainer scripts, run for real as dpkg would run them, on this
# machine's own /etc, /var/lib and systemd unit directory seen through overlayfs in a private
# mount namespace (nothing reaches the host): postinst configure makes the user and groups,
# the permissions and the enable link, and does not start an unlinked device; a second
# configure (an upgrade) changes nothing; postrm purge removes state and configuration.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { not_ok "runs as root (unshare --mount, overlayfs)"; finish; exit; }
command -v deb-systemd-helper >/dev/null || { not_ok "deb-systemd-helper (init-system-helpers) is installed"; finish; exit; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
debian=$repo/board/debian

# run_in_overlay SCRIPT: runs SCRIPT (bash) with the overlays mounted; the upper layers stay
# in $work for the checks, the host is untouched.
run_in_overlay() {
  unshare --mount --propagation private -- bash -c '
    set -e
    work=$1; script=$2
    for dir in /etc /var/lib /usr/lib/systemd/system; do
      name=$(echo "$dir" | tr / _)
      mkdir -p "$work/upper$name" "$work/work$name"
      mount -t overlay overlay -o "lowerdir=$dir,upperdir=$work/upper$name,workdir=$work/work$name" "$dir"
    done
    # No systemd in this namespace: postinst must not try to start anything.
    mount -t tmpfs run /run
    bash -c "$script"
  ' bash "$work" "$1"
}

# dpkg's unpack step, for what postinst touches: the conffile and the units.
setup="install -D -m 0640 '$repo/board/hark.toml' /etc/hark/hark.toml
  install -m 0644 '$repo/board/hark.service' '$repo/board/hark-retry.timer' /usr/lib/systemd/system/"
report='{
  echo "passwd=$(getent passwd hark)"
  echo "groups=$(id -nG hark 2>/dev/null)"
  echo "gpio=$(getent group gpio | cut -d: -f1)"
  echo "etc=$(stat -c "%a %U %G" /etc/hark /etc/hark/hark.toml | paste -sd" ")"
  echo "state=$(stat -c "%a %U %G" /var/lib/hark 2>/dev/null)"
  echo "enabled=$(readlink /etc/systemd/system/multi-user.target.wants/hark.service 2>/dev/null)"; }'

host_before=$(md5sum /etc/passwd /etc/group /etc/shadow /etc/gshadow)
# dpkg names the package and script in the environment; deb-systemd-helper refuses to run without.
out=$(run_in_overlay "$setup
  export DPKG_MAINTSCRIPT_PACKAGE=hark
  DPKG_MAINTSCRIPT_NAME=postinst '$debian/postinst' configure 2>&1 | sed 's/^/postinst: /'
  echo rc=\${PIPESTATUS[0]}
  $report
  DPKG_MAINTSCRIPT_NAME=postinst '$debian/postinst' configure 0.1.0 2>&1 | sed 's/^/again: /'
  echo rc2=\${PIPESTATUS[0]}
  $report | sed 's/^/after-/'
  DPKG_MAINTSCRIPT_NAME=prerm '$debian/prerm' remove; echo rc3=\$?
  DPKG_MAINTSCRIPT_NAME=postrm '$debian/postrm' remove; echo rc4=\$?
  DPKG_MAINTSCRIPT_NAME=postrm '$debian/postrm' purge; echo rc5=\$?
  echo purged-etc=\$(ls -d /etc/hark 2>/dev/null) purged-state=\$(ls -d /var/lib/hark 2>/dev/null)
  echo purged-user=\$(getent passwd hark | cut -d: -f1)" 2>&1)
echo "$out" | sed 's/^/#   /'
value() { sed -n "s/^$1=//p" <<<"$out" | head -1; }
check "postinst configure exits 0" [ "$(value rc)" = 0 ]
check "postinst makes the hark system user with home /var/lib/hark and nologin" \
  grep -qE '^hark:x:[0-9]+:[0-9]+:Hark voice appliance:/var/lib/hark:/usr/sbin/nologin$' <<<"$(value passwd)"
check "hark is in groups hark, audio and gpio" sh -c "echo ' $(value groups) ' | grep -q ' hark ' && echo ' $(value groups) ' | grep -q ' audio ' && echo ' $(value groups) ' | grep -q ' gpio '"
check "postinst makes the gpio group" [ "$(value gpio)" = gpio ]
check "/etc/hark is 0750 and hark.toml 0640, root:hark" [ "$(value etc)" = "750 root hark 640 root hark" ]
check "/var/lib/hark is 0700 hark:hark" [ "$(value state)" = "700 hark hark" ]
check "the service is enabled (multi-user.target.wants link)" grep -q 'hark.service$' <<<"$(value enabled)"
check "without systemd running, postinst only enables (no start, no next steps)" \
  [ -z "$(grep '^postinst: ' <<<"$out" | grep -v 'Created symlink /etc/systemd/system/multi-user.target.wants/hark.service')" ]
check "a second configure (upgrade) exits 0" [ "$(value rc2)" = 0 ]
check "a second configure changes nothing" [ "$(grep '^after-' <<<"$out" | sed 's/^after-//')" = "$(grep -E '^(passwd|groups|gpio|etc|state|enabled)=' <<<"$out")" ]
check "prerm remove and postrm remove exit 0" [ "$(value rc3)$(value rc4)" = 00 ]
check "postrm purge exits 0" [ "$(value rc5)" = 0 ]
check "postrm purge removes /etc/hark and /var/lib/hark" grep -q '^purged-etc= purged-state=$' <<<"$out"
check "postrm purge keeps the hark user (Debian keeps system users)" grep -q '^purged-user=hark$' <<<"$out"
check "the host's passwd, group and shadow files were not touched" [ "$host_before" = "$(md5sum /etc/passwd /etc/group /etc/shadow /etc/gshadow)" ]
finish
