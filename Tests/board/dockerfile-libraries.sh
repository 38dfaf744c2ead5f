#!/usr/bin/env bash
# The Dockerfile without a Docker engine: its runtime stage installs a package for every NEEDED
# shared library of the release binary (each library mapped to its package with dpkg -S on
# this Debian 12 machine, the same release as the image), and the stage has the shape the
# README promises (non-root UID build argument, state volume, entrypoint, health check).
. "$(dirname "$0")/lib.sh"

dockerfile=$repo/Dockerfile
# The runtime stage: everything after the last FROM, continuation lines joined.
runtime=$(awk '/^FROM /{ stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
# The words after "apt-get install" up to the next "&&", options dropped.
packages=$(grep -o 'apt-get install[^&]*' <<<"$runtime" | head -1 | tr ' ' '\n' | grep -v -e '^-' -e '^$' -e '^apt-get$' -e '^install$' | sort)
echo "# runtime packages: $(echo $packages)"
expected=$(printf '%s\n' libasound2 libasound2-plugins libgpiod2 libcurl4 libopus0 libmpg123-0 ca-certificates | sort)
check "the runtime stage installs exactly the seven runtime packages" [ "$packages" = "$expected" ]
# What debian:bookworm-slim already has that a binary may need: the C and C++ runtimes (apt
# itself depends on libstdc++6 and libgcc-s1, so every Debian image has them).
base="libc6 libgcc-s1 libstdc++6"

hark=$(hark_binary)
[ -x "$hark" ] || { not_ok "a hark binary at $hark (make release, or swift build)"; finish; exit; }
echo "# binary: $hark"
for library in $(needed_libraries "$hark"); do
  package=$(package_of_library "$hark" "$library")
  if [ -z "$package" ] && from_swift_toolchain "$hark" "$library"; then
    echo "# $library: Swift toolchain (static in the release build)"; continue
  fi
  check "NEEDED $library (package ${package:-none}) is in the runtime stage or the base image" \
    listed "$package" "$(printf '%s\n' $packages $base)"
done

check "build stage: Debian bookworm Swift image" grep -qE '^FROM swift:\$\{SWIFT_VERSION\}-bookworm AS build$' "$dockerfile"
# The same flags as the Makefile's RELEASE_FLAGS, so the image runs the binary the tests ran.
flags=$(sed -n '/^RELEASE_FLAGS :=/,/^$/p' "$repo/Makefile" | sed 's/^RELEASE_FLAGS := //; s/\\$//' | tr -s ' \t\n' ' ' | sed 's/ $//')
build=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$dockerfile" | grep -m1 'swift build -c release' | tr -s ' ' ' ')
echo "# RELEASE_FLAGS: $flags"
check "build stage: swift build with the Makefile's RELEASE_FLAGS for hark" \
  sh -c "[ -n '$flags' ] && echo '$build' | grep -qF 'swift build $flags --product hark'"
check "runtime stage: debian:bookworm-slim" grep -q '^FROM debian:bookworm-slim$' <<<"$runtime"
check "runtime stage: UID build argument defaulting to 1000" grep -q '^ARG UID=1000$' <<<"$runtime"
check "runtime stage: the user is made with that UID" grep -q 'useradd --uid "$UID"' <<<"$runtime"
check "runtime stage: runs as the non-root user" grep -q '^USER hark$' <<<"$runtime"
check "runtime stage: state in a volume" grep -q '^VOLUME /var/lib/hark$' <<<"$runtime"
check "runtime stage: the shipped ALSA fragment" grep -q '^COPY asound.conf.d/50-hark.conf /etc/alsa/conf.d/50-hark.conf$' <<<"$runtime"
check "runtime stage: hark run is the entrypoint" grep -q '^ENTRYPOINT \["/usr/bin/hark", "run"' <<<"$runtime"
check "runtime stage: the health check asks the control socket (hark ctl status)" \
  grep -q 'HEALTHCHECK .*CMD \["/usr/bin/hark", "ctl", "status"\]' <<<"$runtime"
check ".dockerignore keeps .build and out out of the build context" sh -c "grep -qx .build '$repo/.dockerignore' && grep -qx out '$repo/.dockerignore'"
finish
