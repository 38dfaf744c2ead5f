import ArgumentParser
import Curl
import Testing

@testable import hark

/// The parts of `hark doctor` that decide without a device or a network: the clock's
/// plausibility, the silence threshold, how libcurl errors are explained, and the exit code.
/// (The checks against real PCMs, hark-sim's TLS and its LWA are in EndToEndTests/DoctorTests.)
struct DoctorCheckTests {
    @Test func aClockIn1970OrFarFutureFailsWithTheTimeSyncFix() {
        for now in [0, 86_400 * 365, ClockCheck.latestPlausible + 1] {
            let check = ClockCheck.run(now: now)
            #expect(check.isFailure, "\(check.rendered)")
            #expect(check.rendered.contains("timedatectl set-ntp true"))
        }
        #expect(ClockCheck.run(now: 0).detail.contains("1970-01-01 00:00:00 UTC"))
    }

    @Test func aCurrentClockPasses() {
        let check = ClockCheck.run(now: 1_795_000_000)  // 2026-11-18
        #expect(check.outcome == .passed)
        #expect(check.detail.hasPrefix("2026-11-"))
    }

    @Test func silenceAndLevelsInDecibels() {
        #expect(AudioChecks.rmsDBFS([]) == -.infinity)
        #expect(AudioChecks.rmsDBFS([Int16](repeating: 0, count: 1600)) == -.infinity)
        // A full-scale square wave is 0 dBFS (32767/32768 of it).
        let square = (0..<1600).map { $0 % 2 == 0 ? Int16.max : -Int16.max }
        #expect(abs(AudioChecks.rmsDBFS(square)) < 0.01)
        // Amplitude 10 is -70.3 dBFS: just below the threshold; 12 (-68.7) is just above.
        #expect(AudioChecks.rmsDBFS([Int16](repeating: 10, count: 1600)) < AudioChecks.silenceThresholdDBFS)
        #expect(AudioChecks.rmsDBFS([Int16](repeating: 12, count: 1600)) > AudioChecks.silenceThresholdDBFS)
    }

    @Test func levelCheckFailsOnSilenceAndOnAStalledDevice() {
        let silent = AudioChecks.level([Int16](repeating: 0, count: 16_000), wanted: 16_000, device: "hark_capture")
        #expect(silent.isFailure)
        #expect(silent.detail.contains("exact silence"))
        #expect(silent.rendered.contains("alsamixer"))
        let stalled = AudioChecks.level([Int16](repeating: 500, count: 100), wanted: 16_000, device: "hark_capture")
        #expect(stalled.isFailure)
        #expect(stalled.detail.contains("delivered only"))
        let speech = AudioChecks.level((0..<16_000).map { Int16(2000 * ($0 % 40 < 20 ? 1 : -1)) }, wanted: 16_000, device: "hark_capture")
        #expect(speech.outcome == .passed, "\(speech.rendered)")
    }

    @Test func curlErrorsAreExplainedWithTheirFix() {
        let (problem, fix) = EndpointCheck.explain(CurlError(code: 60), endpoint: "https://x", trust: "avs.ca_file /ca.pem", caFile: "/ca.pem")
        #expect(problem.contains("does not verify against avs.ca_file /ca.pem"))
        #expect(fix.contains("set avs.ca_file"))
        #expect(EndpointCheck.explain(.couldNotResolveHost, endpoint: "https://x", trust: "", caFile: nil).0.contains("does not resolve"))
        #expect(EndpointCheck.explain(.couldNotConnect, endpoint: "https://x", trust: "", caFile: nil).1.contains("network"))
        #expect(EndpointCheck.explain(CurlError(code: 77), endpoint: "https://x", trust: "", caFile: "/nope.pem").1.contains("/nope.pem"))
    }

    @Test func theExitCodeIsTheFirstFailures() {
        var report = DoctorReport()
        report.checks = [.passed("configuration", "ok"), .skipped("GPIO", because: "none")]
        #expect(report.exitCode == Sysexits.ok)
        #expect(report.verdict == "ready: all 1 checks passed")
        report.checks.append(.failed("account link", "no token", fix: "hark login", exitCode: Sysexits.noPermission))
        report.checks.append(.failed("AVS endpoint", "offline", fix: "network", exitCode: Sysexits.temporaryFailure))
        #expect(report.exitCode == Sysexits.noPermission)
        #expect(report.verdict == "not ready: 2 of 4 checks failed (exit 77)")
        #expect(report.checks[2].rendered == "✗ account link: no token\n    fix: hark login")
    }
}
