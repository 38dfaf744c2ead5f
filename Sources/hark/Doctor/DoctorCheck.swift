import ArgumentParser

/// The result of one `hark doctor` check: what was looked at, what was found, and for a
/// failure the one thing to do about it.
struct DoctorCheck: Sendable {
    enum Outcome: Sendable, Equatable {
        case passed
        /// `exitCode` is the sysexits value the whole run ends with when this is the first
        /// failure (78 configuration, 69 audio, 75 network, 77 not linked).
        case failed(fix: String, exitCode: Int32)
        /// Not looked at because an earlier check it depends on failed.
        case skipped
    }

    /// Short name of the thing checked ("configuration", "capture device").
    var name: String
    /// What was found, in plain words.
    var detail: String
    var outcome: Outcome

    static func passed(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, detail: detail, outcome: .passed)
    }

    static func failed(_ name: String, _ detail: String, fix: String, exitCode: ExitCode) -> DoctorCheck {
        DoctorCheck(name: name, detail: detail, outcome: .failed(fix: fix, exitCode: exitCode.rawValue))
    }

    static func skipped(_ name: String, because reason: String) -> DoctorCheck {
        DoctorCheck(name: name, detail: "not checked: \(reason)", outcome: .skipped)
    }

    var isFailure: Bool {
        if case .failed = outcome { return true }
        return false
    }

    /// `✓ name: detail`, `✗ name: detail` plus an indented `fix:` line, or `- name: not checked`.
    var rendered: String {
        switch outcome {
        case .passed: "✓ \(name): \(detail)"
        case .skipped: "- \(name): \(detail)"
        case .failed(let fix, _): "✗ \(name): \(detail)\n    fix: \(fix)"
        }
    }
}

/// Every check of one run, and what they add up to.
struct DoctorReport: Sendable {
    var checks: [DoctorCheck] = []

    var failures: [DoctorCheck] { checks.filter(\.isFailure) }

    /// 0 when nothing failed, else the exit code of the first failure.
    var exitCode: ExitCode {
        for check in checks {
            if case .failed(_, let code) = check.outcome { return ExitCode(code) }
        }
        return Sysexits.ok
    }

    /// The last line: ready, or how many checks failed.
    var verdict: String {
        let failed = failures.count
        if failed == 0 { return "ready: all \(checks.filter { $0.outcome == .passed }.count) checks passed" }
        return "not ready: \(failed) of \(checks.count) checks failed (exit \(exitCode.rawValue))"
    }
}
