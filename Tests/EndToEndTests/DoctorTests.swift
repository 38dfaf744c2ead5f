import Foundation
import Testing

/// `hark doctor` against hark-sim: real TLS with the run's CA, the real LWA refresh grant,
/// real ALSA PCMs (file plugin over null).
@Suite(.serialized) struct DoctorTests {
    /// A linked device on a fresh simulator, with its configuration edited by `edit`.
    private func device(_ name: String, linked: Bool = true, edit: (String) -> String = { $0 }) throws -> Device {
        let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("doctor-\(name)"))
        let device = try Device(simulator: simulator, linked: linked)
        let file = device.directory.appendingPathComponent("hark.toml")
        try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        return device
    }

    private func line(_ outcome: Device.Outcome, _ prefix: String) -> String? {
        outcome.transcript.first { $0.hasPrefix(prefix) }
    }

    /// The `fix:` line printed right after the line starting with `prefix`.
    private func fix(_ outcome: Device.Outcome, after prefix: String) -> String? {
        guard let index = outcome.transcript.firstIndex(where: { $0.hasPrefix(prefix) }),
              index + 1 < outcome.transcript.count else { return nil }
        let next = outcome.transcript[index + 1].trimmingCharacters(in: .whitespaces)
        return next.hasPrefix("fix:") ? next : nil
    }

    @Test func goodConfigurationPassesEveryCheck() throws {
        let device = try device("good")
        let outcome = try device.hark(["doctor", "--listen", "--listen-seconds", "1"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 0, "\(text)\n\(outcome.stderr)")
        for name in ["configuration", "capture device", "microphone level", "playback device", "AVS endpoint", "account link", "clock"] {
            #expect(line(outcome, "✓ \(name):") != nil, "\(name) not ✓ in:\n\(text)")
        }
        #expect(line(outcome, "✓ capture device:")?.contains("e2e_mic opens (configured PCM") == true)
        #expect(line(outcome, "✓ AVS endpoint:")?.contains("TLS verifies with avs.ca_file") == true)
        #expect(line(outcome, "ready: all 7 checks passed") != nil, "\(text)")
        // The refresh really happened: the simulator logged a token grant.
        #expect(device.simulator.eventsLog.contains { $0.contains("/auth/O2/token") }, "\(device.simulator.eventsLog)")
        // The token itself never appears.
        #expect(!text.contains("hark-sim-refresh") && !outcome.stderr.contains("hark-sim-refresh"))
    }

    @Test func wrongCertificateAuthorityFailsTLSWithTheFix() throws {
        // The system trust store does not hold the simulator's CA made for this run.
        let device = try device("wrong-ca") { config in
            config.replacingOccurrences(of: #"ca_file = "[^"]*""#, with: #"ca_file = "/etc/ssl/certs/ca-certificates.crt""#,
                                        options: .regularExpression)
        }
        let outcome = try device.hark(["doctor"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 75, "\(text)")
        let tls = try #require(line(outcome, "✗ AVS endpoint:"), "\(text)")
        #expect(tls.contains("does not verify against avs.ca_file /etc/ssl/certs/ca-certificates.crt"), "\(tls)")
        #expect(fix(outcome, after: "✗ AVS endpoint:")?.contains("set avs.ca_file to the CA that signed") == true, "\(text)")
        #expect(line(outcome, "✓ capture device:") != nil, "\(text)")
        #expect(line(outcome, "not ready:") != nil)
    }

    @Test func missingTokenSaysRunLogin() throws {
        let device = try device("no-token", linked: false)
        let outcome = try device.hark(["doctor"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 77, "\(text)")
        #expect(line(outcome, "✗ account link:")?.contains("no refresh token") == true, "\(text)")
        #expect(fix(outcome, after: "✗ account link:")?.contains("hark login") == true, "\(text)")
        #expect(line(outcome, "✓ AVS endpoint:") != nil, "\(text)")
    }

    @Test func missingCaptureDeviceFailsWithTheFix() throws {
        let device = try device("no-mic") { $0.replacingOccurrences(of: #"capture_device = "e2e_mic""#, with: #"capture_device = "hark_no_such_mic""#) }
        let outcome = try device.hark(["doctor", "--listen"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 69, "\(text)")
        #expect(line(outcome, "✗ capture device:")?.contains("hark_no_such_mic") == true, "\(text)")
        #expect(fix(outcome, after: "✗ capture device:")?.contains("audio.capture_device") == true, "\(text)")
        #expect(line(outcome, "- microphone level: not checked") != nil, "\(text)")
        #expect(line(outcome, "✓ playback device:") != nil, "\(text)")
    }

    @Test func silentMicrophoneFailsTheListenCheck() throws {
        let device = try device("silent") { $0.replacingOccurrences(of: #"capture_device = "e2e_mic""#, with: #"capture_device = "e2e_silent""#) }
        let asound = device.directory.appendingPathComponent("asound.conf")
        let zeros = #"pcm.e2e_silent { type file slave.pcm "null" file "/dev/null" infile "/dev/zero" format "raw" }"#
        try (try String(contentsOf: asound, encoding: .utf8) + "\n" + zeros + "\n").write(to: asound, atomically: true, encoding: .utf8)
        let outcome = try device.hark(["doctor", "--listen", "--listen-seconds", "0.5"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 69, "\(text)")
        #expect(line(outcome, "✓ capture device:") != nil, "\(text)")
        #expect(line(outcome, "✗ microphone level:")?.contains("exact silence") == true, "\(text)")
    }

    @Test func missingGPIOChipFailsWithTheFix() throws {
        // The real libgpiod, asked for a chip this machine does not have.
        let device = try device("no-chip") { $0 + "\n[gpio]\nchip = \"gpiochip99\"\nbutton_line = 17\nled_line = 25\n" }
        let outcome = try device.hark(["doctor"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 69, "\(text)")
        let gpio = try #require(line(outcome, "✗ GPIO:"), "\(text)")
        #expect(gpio.contains("gpiochip99, button line 17 and light line 25: gpiochip99 not found"), "\(gpio)")
        #expect(fix(outcome, after: "✗ GPIO:")?.contains("gpiodetect") == true, "\(text)")
        #expect(line(outcome, "✓ AVS endpoint:") != nil, "\(text)")
    }

    @Test func noGPIOConfiguredIsNotAFailure() throws {
        let device = try device("no-gpio")
        let outcome = try device.hark(["doctor"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 0, "\(text)")
        #expect(line(outcome, "- GPIO: not checked: no button or light configured") != nil, "\(text)")
    }

    @Test func badConfigurationSkipsTheRestAndExits78() throws {
        let device = try device("bad-config") { $0 + "\n[audio]\nmic_format = 7\n" }
        let outcome = try device.hark(["doctor"])
        let text = outcome.transcript.joined(separator: "\n")
        #expect(outcome.status == 78, "\(text)")
        #expect(line(outcome, "✗ configuration:") != nil, "\(text)")
        #expect(line(outcome, "- AVS endpoint: not checked") != nil, "\(text)")
        #expect(line(outcome, "✓ clock:") != nil, "\(text)")
    }
}
