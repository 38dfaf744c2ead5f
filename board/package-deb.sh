#!/bin/sh
# Builds the Debian package hark_<version>_<arch>.deb with dpkg-deb: the release binary, the
# configuration (a conffile), the ALSA fragment, the systemd units, the udev rule and the docs,
# with maintainer scripts from board/debian/. `make package` runs it after `make release`.
#
#   board/package-deb.sh BINARY OUTDIR [VERSION]
#
# VERSION defaults to 0.1.0+git<commit date>.<short hash> (or +local when not in git): a native
# package (no Debian revision). HARK_DEB_MAINTAINER sets the Maintainer field.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
binary=${1:?usage: package-deb.sh BINARY OUTDIR [VERSION]}
outdir=${2:?usage: package-deb.sh BINARY OUTDIR [VERSION]}
[ -x "$binary" ] || { echo "package-deb.sh: no executable at $binary (run make release)" >&2; exit 1; }
if [ $# -ge 3 ]; then version=$3
elif stamp=$(git -C "$repo" log -1 --format=%cd.%h --date=format:%Y%m%d 2>/dev/null); then version=0.1.0+git$stamp
else version=0.1.0+local; fi
arch=$(dpkg --print-architecture)
maintainer=${HARK_DEB_MAINTAINER:-Hark maintainers <hark@example.org>}

root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
install -D -m 0755 "$binary" "$root/usr/bin/hark"
install -D -m 0640 "$here/hark.toml" "$root/etc/hark/hark.toml"
# Debian's alsa.conf reads /etc/alsa/conf.d; packages keep the file in /usr/share/alsa/alsa.conf.d
# and link it there (as libasound2-plugins does), so an admin can drop the link to disable it.
install -D -m 0644 "$repo/asound.conf.d/50-hark.conf" "$root/usr/share/alsa/alsa.conf.d/50-hark.conf"
mkdir -p "$root/etc/alsa/conf.d"
ln -s /usr/share/alsa/alsa.conf.d/50-hark.conf "$root/etc/alsa/conf.d/50-hark.conf"
install -D -m 0644 "$here/hark.service" "$root/lib/systemd/system/hark.service"
install -D -m 0644 "$here/hark-retry.timer" "$root/lib/systemd/system/hark-retry.timer"
install -D -m 0644 "$here/60-hark-gpio.rules" "$root/lib/udev/rules.d/60-hark-gpio.rules"
doc=$root/usr/share/doc/hark
# Policy's name: changelog.gz for a native version, changelog.Debian.gz with a Debian revision.
case $version in *-*) changelog=changelog.Debian.gz ;; *) changelog=changelog.gz ;; esac
install -D -m 0644 "$repo/README.md" "$doc/README.md"
install -D -m 0644 "$here/RASPBERRY-PI.md" "$doc/RASPBERRY-PI.md"
install -D -m 0644 "$repo/asound.conf.d/README.md" "$doc/asound.conf.d-README.md"
install -D -m 0644 "$here/hark.toml" "$doc/hark.toml.example"
printf 'hark (%s) unstable; urgency=medium\n\n  * Package built from the source tree.\n\n -- %s  %s\n' \
  "$version" "$maintainer" "$(date -R)" | gzip -9n > "$doc/$changelog"
printf 'Hark: firmware for a headless Alexa voice appliance.\nCopyright (c) %s the Hark authors.\nSee README.md for the licence of the source.\n' "$(date +%Y)" > "$doc/copyright"

mkdir -p "$root/DEBIAN"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
echo /etc/hark/hark.toml > "$root/DEBIAN/conffiles"
depends=$(grep -v '^#' "$here/debian/depends" | grep . | paste -sd, | sed 's/,/, /g')
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s|@MAINTAINER@|$maintainer|" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
  "$here/debian/control.in" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) > "$root/DEBIAN/md5sums"

mkdir -p "$outdir"
deb=$outdir/hark_${version}_${arch}.deb
# xz for the package people install; tests set HARK_DEB_COMPRESSION="-Zgzip -z1" to stay fast.
dpkg-deb --root-owner-group ${HARK_DEB_COMPRESSION:--Zxz} --build "$root" "$deb" >/dev/null
echo "package: $deb $(stat -c %s "$deb") bytes"
