# Hark in a container: a release build on Debian bookworm, then a slim runtime image.
#
#   docker build -t hark --build-arg UID=$(id -u) --build-arg GID=$(id -g) .
#
# Running it (README.md, "Hark in a container", has the full recipes):
#   PulseAudio:  docker run -d --name hark -u $(id -u):$(id -g) \
#                  -v $XDG_RUNTIME_DIR/pulse/native:/run/pulse/native -e PULSE_SERVER=unix:/run/pulse/native \
#                  -v hark-state:/var/lib/hark -e HARK_AUTH_CLIENT_ID=... -e HARK_AUTH_PRODUCT_ID=... hark
#   Link once:   docker run --rm -it -v hark-state:/var/lib/hark ... --entrypoint /usr/bin/hark hark login

# --- build: the static-stdlib release binary, as `make release` makes it -----------------------
# The toolchain the project is developed with (Swift 6.3); override with --build-arg SWIFT_VERSION=.
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libasound2-dev libgpiod-dev libcurl4-openssl-dev libopus-dev libmpg123-dev binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The flags of the Makefile's RELEASE_FLAGS: static stdlib, lld with packed relative relocations.
RUN swift build -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld \
      -Xlinker -z -Xlinker pack-relative-relocs --product hark \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/hark" /out/hark \
 && strip /out/hark

# --- runtime: only the shared libraries the binary needs ---------------------------------------
FROM debian:bookworm-slim
# The runtime packages. Tests/board/dockerfile-libraries.sh checks that every NEEDED library of
# the release binary comes from one of these or from the base image (libc6, libgcc-s1,
# libstdc++6), so keep the list on these lines.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libasound2 libasound2-plugins libgpiod2 libcurl4 libopus0 libmpg123-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The user Hark runs as. Build with --build-arg UID=$(id -u) --build-arg GID=$(id -g) so files
# in the state volume belong to you and `-u $(id -u):$(id -g)` matches the image's directories.
ARG UID=1000
ARG GID=1000
RUN groupadd --gid "$GID" hark \
 && useradd --uid "$UID" --gid "$GID" --groups audio --home-dir /var/lib/hark --no-create-home \
      --shell /usr/sbin/nologin hark \
 && install -d -o hark -g hark -m 0700 /var/lib/hark \
 && install -d -o hark -g hark -m 0750 /run/hark \
 && install -d -m 0755 /run/pulse

# The shared ALSA PCMs (dmix/dsnoop for --device /dev/snd --ipc=host; libasound2-plugins
# brings the pulse PCM for the PulseAudio socket) and the example configuration; keys are
# set with HARK_<SECTION>_<KEY> variables (HARK_AUTH_CLIENT_ID, HARK_ALSA_CARD, ...).
COPY asound.conf.d/50-hark.conf /etc/alsa/conf.d/50-hark.conf
COPY board/hark.toml /etc/hark/hark.toml
COPY --from=build /out/hark /usr/bin/hark

# The refresh token, speaker volume and gateway: keep them across container rebuilds.
VOLUME /var/lib/hark
USER hark
WORKDIR /var/lib/hark
# Asks the running appliance over its control socket (/run/hark/control.sock); exits non-zero
# when the socket does not answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/bin/hark", "ctl", "status"]
ENTRYPOINT ["/usr/bin/hark", "run", "--config", "/etc/hark/hark.toml"]
