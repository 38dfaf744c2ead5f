#!/usr/bin/env bash
# board/install.sh into a DESTDIR: the first run installs everything with the right owners and
# modes and creates the users in DESTDIR/etc (useradd --prefix); the second run changes
# nothing; an edited configuration survives a reinstall and an uninstall; --uninstall keeps
# the state; --uninstall --purge removes it and the hark user.
. "$(dirname "$0")/lib.sh"

root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
# A minimal target system: root and the audio group, as on any Debian.
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$root/etc/passwd"
printf 'root:x:0:\naudio:x:29:\n' > "$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
printf 'root:*::\naudio:*::\n' > "$root/etc/gshadow"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
binary=$(mktemp); printf '#!/bin/sh\necho hark\n' > "$binary"; chmod 755 "$binary"
install_sh=$repo/board/install.sh

first=$("$install_sh" --destdir "$root" --binary "$binary" 2>&1); rc=$?
echo "$first" | sed 's/^/#   /'
check "first install exits 0" [ "$rc" -eq 0 ]
# mode owner path: what a board gets.
uid=$(awk -F: '$1 == "hark" { print $3 }' "$root/etc/passwd"); gid=$(awk -F: '$1 == "hark" { print $3 }' "$root/etc/group")
check "user hark was created (uid ${uid:-none}) with nologin and home /var/lib/hark" \
  grep -q "^hark:x:$uid:$gid:Hark voice appliance:/var/lib/hark:/usr/sbin/nologin$" "$root/etc/passwd"
check "group gpio was created" grep -q '^gpio:x:' "$root/etc/group"
check "hark is in audio and gpio" sh -c "grep -q '^audio:x:29:hark$' '$root/etc/group' && grep -q '^gpio:x:[0-9]*:hark$' '$root/etc/group'"
expect() {  # expect MODE UID GID PATH
  local got; got=$(stat -c '%a %u %g' "$root$4" 2>/dev/null)
  check "$4 is $1 $2:$3 (got ${got:-missing})" [ "$got" = "$1 $2 $3" ]
}
expect 755 0 0 /usr/local/bin/hark
expect 644 0 0 /etc/systemd/system/hark.service
expect 644 0 0 /etc/systemd/system/hark-retry.timer
expect 644 0 0 /etc/udev/rules.d/60-hark-gpio.rules
expect 644 0 0 /etc/alsa/conf.d/50-hark.conf
expect 750 0 "$gid" /etc/hark
expect 640 0 "$gid" /etc/hark/hark.toml
expect 700 "$uid" "$gid" /var/lib/hark
expect 644 0 0 /usr/local/share/doc/hark/RASPBERRY-PI.md
check "the unit runs the binary where it was installed" grep -qx 'ExecStart=/usr/local/bin/hark run --config /etc/hark/hark.toml' "$root/etc/systemd/system/hark.service"
check "the installed binary is the one given" cmp -s "$binary" "$root/usr/local/bin/hark"
check "the configuration is the shipped example" cmp -s "$repo/board/hark.toml" "$root/etc/hark/hark.toml"

snapshot() { (cd "$root" && find . -printf '%p %m %u %g %s %l\n' | sort && find . -type f -exec md5sum {} + | sort); }
before=$(snapshot)
second=$("$install_sh" --destdir "$root" --binary "$binary" 2>&1); rc=$?
check "second install exits 0" [ "$rc" -eq 0 ]
check "second install prints nothing (nothing to do)" [ -z "$second" ]
after=$(snapshot)
check "second install changes no file, mode or owner" [ "$before" = "$after" ]
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' | head -20

# An edited configuration is never overwritten; the shipped one goes beside it.
echo 'client_id = "edited"' >> "$root/etc/hark/hark.toml"
third=$("$install_sh" --destdir "$root" --binary "$binary" 2>&1)
check "a reinstall keeps the edited configuration" grep -q 'client_id = "edited"' "$root/etc/hark/hark.toml"
check "a reinstall puts the shipped configuration in hark.toml.dist" cmp -s "$repo/board/hark.toml" "$root/etc/hark/hark.toml.dist"
check "a reinstall says so" grep -q "kept your edited /etc/hark/hark.toml" <<<"$third"
# A newer binary is installed over the old one.
printf '#!/bin/sh\necho hark 2\n' > "$binary"
"$install_sh" --destdir "$root" --binary "$binary" >/dev/null 2>&1
check "a new binary replaces the old one" cmp -s "$binary" "$root/usr/local/bin/hark"

# A non-default prefix moves the binary and the unit's ExecStart together.
other=$(mktemp -d); cp -a "$root/etc" "$other/"
"$install_sh" --destdir "$other" --prefix /opt/hark --binary "$binary" >/dev/null 2>&1
check "--prefix /opt/hark: binary in /opt/hark/bin and ExecStart matches" \
  sh -c "[ -x '$other/opt/hark/bin/hark' ] && grep -qx 'ExecStart=/opt/hark/bin/hark run --config /etc/hark/hark.toml' '$other/etc/systemd/system/hark.service'"
rm -rf "$other"

# Bad options are refused with a message.
out=$("$install_sh" --destdir "$root" --frobnicate 2>&1); rc=$?
check "an unknown option exits non-zero and names it" sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q frobnicate"
out=$("$install_sh" --destdir "$root" --binary /nonexistent 2>&1); rc=$?
check "a missing binary exits non-zero with the fix" sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'make release'"

echo "refresh-token" > "$root/var/lib/hark/refresh-token"
"$install_sh" --destdir "$root" --uninstall >/dev/null 2>&1; rc=$?
check "--uninstall exits 0" [ "$rc" -eq 0 ]
for path in /usr/local/bin/hark /etc/systemd/system/hark.service /etc/systemd/system/hark-retry.timer \
    /etc/udev/rules.d/60-hark-gpio.rules /etc/alsa/conf.d/50-hark.conf /usr/local/share/doc/hark; do
  check "--uninstall removed $path" [ ! -e "$root$path" ]
done
check "--uninstall keeps the state (the account link)" [ -f "$root/var/lib/hark/refresh-token" ]
check "--uninstall keeps the edited configuration" grep -q 'client_id = "edited"' "$root/etc/hark/hark.toml"
check "--uninstall keeps the hark user" grep -q '^hark:' "$root/etc/passwd"
"$install_sh" --destdir "$root" --uninstall >/dev/null 2>&1; rc=$?
check "--uninstall twice exits 0" [ "$rc" -eq 0 ]
"$install_sh" --destdir "$root" --uninstall --purge >/dev/null 2>&1; rc=$?
check "--uninstall --purge exits 0" [ "$rc" -eq 0 ]
check "--purge removed /var/lib/hark and /etc/hark" sh -c "[ ! -e '$root/var/lib/hark' ] && [ ! -e '$root/etc/hark' ]"
check "--purge removed the hark user and group" sh -c "! grep -q '^hark:' '$root/etc/passwd' && ! grep -q '^hark:' '$root/etc/group'"
check "--purge keeps the gpio group (others may use it)" grep -q '^gpio:' "$root/etc/group"
rm -f "$binary"
finish
