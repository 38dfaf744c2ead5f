#!/usr/bin/env bash
# board/hark.service and hark-retry.timer: systemd-analyze verify, the security exposure
# score against the recorded threshold, and the settings the appliance depends on.
. "$(dirname "$0")/lib.sh"

# The exposure measured for board/hark.service with `systemd-analyze security --offline=yes`
# (systemd 252, Debian 12), recorded in README.md. Lower is better; the test fails above it.
max_exposure=1.7

if ! command -v systemd-analyze >/dev/null; then
  not_ok "systemd-analyze is installed (apt install systemd; make deps does)"; finish; exit
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
hark=$(hark_binary)
# ExecStart= names /usr/bin/hark, where the package puts it; verify checks that the command
# exists, so the copy under test runs the binary at hand instead (same arguments).
sed "s|^ExecStart=/usr/bin/hark |ExecStart=$hark |" "$repo/board/hark.service" > "$work/hark.service"
cp "$repo/board/hark-retry.timer" "$work/"
check "ExecStart was redirected to the binary under test" grep -q "^ExecStart=$hark run --config /etc/hark/hark.toml$" "$work/hark.service"
[ -x "$hark" ] || echo "# no hark binary at $hark: verify will complain about ExecStart"
verify=$(cd "$work" && systemd-analyze verify hark.service hark-retry.timer 2>&1); rc=$?
[ -z "$verify" ] || echo "$verify" | sed 's/^/#   /'
check "systemd-analyze verify hark.service hark-retry.timer: exit 0" [ "$rc" -eq 0 ]
check "systemd-analyze verify prints no warning" [ -z "$verify" ]

# Verify must fail on a broken unit, or the checks above prove nothing.
sed 's/^Type=notify/Type=notify-bogus/' "$work/hark.service" > "$work/broken.service"
check "systemd-analyze verify rejects a broken copy" sh -c "! (cd '$work' && systemd-analyze verify broken.service >/dev/null 2>&1 && [ -z \"\$(systemd-analyze verify broken.service 2>&1)\" ])"

security=$(systemd-analyze security --offline=yes "$work/hark.service" 2>&1)
score=$(echo "$security" | sed -n 's/.*Overall exposure level for hark.service: \([0-9.]*\).*/\1/p')
echo "# systemd-analyze security --offline=yes: exposure ${score:-unknown} (threshold $max_exposure)"
echo "$security" | grep '✗' | sed 's/  */ /g; s/^/#   /'
check "security exposure ${score:-?} is at most $max_exposure" awk -v s="${score:-99}" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'
check "README.md records the exposure $max_exposure" grep -q "systemd-analyze security.*$max_exposure" "$repo/README.md"

unit=$repo/board/hark.service
for setting in Type=notify WatchdogSec=30 Restart=always RestartSec=5 User=hark "SupplementaryGroups=audio gpio" \
    StateDirectory=hark RuntimeDirectory=hark ConfigurationDirectory=hark NoNewPrivileges=yes ProtectSystem=strict \
    ProtectHome=yes PrivateTmp=yes RemoveIPC=no DevicePolicy=closed "DeviceAllow=char-alsa rw" \
    "DeviceAllow=char-gpiochip rw" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK" \
    SystemCallFilter=@system-service OnFailure=hark-retry.timer; do
  check "hark.service sets $setting" grep -qx "$setting" "$unit"
done
check "hark.service does not set PrivateIPC (dmix shares SysV IPC with other programs)" sh -c "! grep -q '^PrivateIPC=' '$unit'"
# The crash-loop window must close before the retry timer fires, or the retry hits the limit.
window=$(sed -n 's/^StartLimitIntervalSec=\([0-9]*\)min$/\1/p' "$unit"); retry=$(sed -n 's/^OnActiveSec=\([0-9]*\)min$/\1/p' "$repo/board/hark-retry.timer")
check "the retry timer (${retry:-?} min) fires after the start-limit window (${window:-?} min)" [ "${retry:-0}" -gt "${window:-99}" ]
check "the retry timer stops after firing, so the next failure arms it again" grep -qx RemainAfterElapse=no "$repo/board/hark-retry.timer"

# The udev rule parses (udevadm verify exists from systemd 254; on 252 a syntax check by test).
rules=$repo/board/60-hark-gpio.rules
check "60-hark-gpio.rules gives gpiochips to group gpio 0660" grep -q 'SUBSYSTEM=="gpio", KERNEL=="gpiochip\[0-9\]\*", GROUP="gpio", MODE="0660"' "$rules"
if udevadm verify --help >/dev/null 2>&1; then check "udevadm verify 60-hark-gpio.rules" udevadm verify "$rules"; fi
finish
