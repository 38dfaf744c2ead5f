# Hark: build, test and demo on Debian 12 (GNU make; run as root, or with sudo available).
#
#   make demo      build hark and hark-sim, then one whole turn with Alexa against the simulator
#   make test      Debian packages, build, the whole Swift test suite, then the VM tests
#   make release   stripped static-stdlib release binary in out/hark, size printed
#   make package   Debian package out/hark_<version>_<arch>.deb from the release binary
#   make test-board  board files, package, Dockerfile and container-like turn (out/hark if built)
#   make bench     release build of hark-bench, then `hark-bench audio`
#   make bench-session  release hark against hark-sim: reply latency, connect time, RSS, idle CPU, size
#   make deps      install the Debian packages below that are missing
#   make fuzz      libFuzzer targets in Fuzz/, FUZZ_SECONDS (default 300) each; crashes fail it
#   make soak      release hark, SOAK_TURNS (default 1000) turns against hark-sim with random faults
#   make soak-vm   the whole appliance in the VM as its systemd unit runs it: VM_SOAK_TURNS (50) button turns
#   make check-sanitizers  the Swift tests under AddressSanitizer, then ThreadSanitizer; any report fails it

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
OUT ?= out
# Fuzzing time per target: `make fuzz` (long) and the smoke run inside `make test`.
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
# Longest a `swift test` run in `make test` may take, in seconds.
TEST_RUN_LIMIT_S ?= 900
# Turns in `make soak`.
SOAK_TURNS ?= 1000
# Button turns of the whole appliance in the VM (Tests/vm/appliance-turns.sh): a short run in
# `make test`, the long one in `make soak-vm`.
VM_TEST_TURNS ?= 4
VM_SOAK_TURNS ?= 50

# Build and test dependencies. Headers for the C modules; PulseAudio, the ALSA pulse plugin and
# alsa-utils for the PulseAudio tests and the demo; sox, espeak-ng and lame for fixtures; qemu,
# busybox, xz and kmod for the VM tests on a real kernel driver (snd-aloop); systemd
# (systemd-analyze) and binutils (readelf) for the board tests.
DEB_PACKAGES := libasound2-dev libgpiod-dev gpiod libcurl4-openssl-dev libopus-dev libmpg123-dev \
	pulseaudio pulseaudio-utils alsa-utils libasound2-plugins sox libsox-fmt-mp3 espeak-ng lame \
	qemu-system-x86 busybox-static xz-utils kmod systemd binutils openssl libqrencode4

# Every test target but EndToEndTests (they run on their own, see `test`).
UNIT_TEST_TARGETS := ALSATests|OpusTests|MP3Tests|AudioTests|SystemLibraryTests|HarkCLITests|AVSTests|GPIOTests|CurlTests|AVSTransportTests|RuntimeTests|ApplianceTests|TOMLTests|HarkSimulatorTests

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The firmware's release build: static Swift stdlib, linked by the toolchain's lld with packed
# relative relocations (DT_RELR, glibc 2.36 and later, as in Debian 12). gold's 1 MB relocation
# table becomes 8 KB: a smaller file, and less for the loader to read and apply at every start.
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld \
	-Xlinker -z -Xlinker pack-relative-relocs

.PHONY: help deps build test test-vm test-board demo release package bench bench-session fuzz check-sanitizers soak soak-vm

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)

deps:
	@missing=""; \
	for package in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' "$$package" 2>/dev/null | grep -q '^install ok installed$$' \
			|| missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "deps: all $(words $(DEB_PACKAGES)) Debian packages are installed"; \
	else \
		echo "deps: installing$$missing"; \
		$(SUDO) apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build --product hark

test: deps
	$(SWIFT) build --build-tests
	# Two runs: the end-to-end suites wait for whole processes; alone they never hold up the
	# timing-sensitive unit and simulator suites on a 2-core machine.
	# Each run is bounded: a test that waits for ever fails the run with its name instead of
	# holding CI until its own limit (they take 1-2 min; the bound is 15).
	scripts/bounded-test-run.sh $(TEST_RUN_LIMIT_S) $(SWIFT) test --skip-build --filter '^($(UNIT_TEST_TARGETS))\.'
	scripts/bounded-test-run.sh $(TEST_RUN_LIMIT_S) $(SWIFT) test --skip-build --filter '^EndToEndTests\.'
	$(MAKE) --no-print-directory test-board
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)
	$(MAKE) --no-print-directory test-vm

test-vm:
	@if [ -x Tests/vm/run-tests.sh ]; then \
		HARK_BIN="$$($(SWIFT) build --show-bin-path)/hark" HARK_APPLIANCE_TURNS=$(VM_TEST_TURNS) \
			Tests/vm/run-tests.sh; \
	else \
		echo "test-vm: Tests/vm/run-tests.sh not present, VM tests skipped"; \
	fi

soak-vm: deps
	$(SWIFT) build --product hark
	$(SWIFT) build --product hark-sim
	HARK_BIN="$$($(SWIFT) build --show-bin-path)/hark" HARK_APPLIANCE_TURNS=$(VM_SOAK_TURNS) \
		Tests/vm/run-tests.sh Tests/vm/appliance-turns.sh

# Uses out/hark when `make release` made one (a stale one too: rebuild it after changes), else
# the debug build; never starts a release build itself, so `make test` stays fast.
test-board:
	HARK_SIM_BIN="$$($(SWIFT) build --show-bin-path)/hark-sim" Tests/board/run-tests.sh

demo: deps
	$(SWIFT) build --product hark
	$(SWIFT) build --product hark-sim
	scripts/demo.sh "$$($(SWIFT) build --show-bin-path)"

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product hark
	mkdir -p $(OUT)
	cp "$$($(SWIFT) build -c release --show-bin-path)/hark" $(OUT)/hark
	strip $(OUT)/hark
	@echo "release: $(OUT)/hark $$(stat -c %s $(OUT)/hark) bytes ($$(du -h $(OUT)/hark | cut -f1)), stripped, static Swift stdlib"

package: release
	board/package-deb.sh $(OUT)/hark $(OUT)

bench: deps
	$(SWIFT) build -c release --product hark-bench
	"$$($(SWIFT) build -c release --show-bin-path)/hark-bench" audio

bench-session: deps
	$(SWIFT) build --product hark-sim
	$(SWIFT) build $(RELEASE_FLAGS) --product hark
	scripts/bench-session.sh "$$($(SWIFT) build -c release --show-bin-path)/hark" "$$($(SWIFT) build --show-bin-path)/hark-sim"

fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

check-sanitizers: deps
	SWIFT=$(SWIFT) SANITIZER_TEST_FILTER='^($(UNIT_TEST_TARGETS))\.' scripts/check-sanitizers.sh

soak: deps
	$(SWIFT) build --product hark-sim
	$(SWIFT) build $(RELEASE_FLAGS) --product hark
	scripts/soak.sh "$$($(SWIFT) build -c release --show-bin-path)/hark" "$$($(SWIFT) build --show-bin-path)/hark-sim" $(SOAK_TURNS)
