import Foundation
import Testing

/// `hark login` against a Login with Amazon that cannot be reached ends on its own, with one
/// line naming the URL and the fix, and EX_TEMPFAIL.
@Suite struct LoginTimeoutTests {
    @Test func unreachableLoginWithAmazonEndsAtTheTimeoutWithTheURLAndTheFix() async throws {
        let scratch = try makeScratchDirectory("login-timeout")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let url = "https://127.0.0.1:9/auth/O2/"  // discard port: nothing listens
        let config = scratch.appendingPathComponent("hark.toml")
        try """
            [auth]
            lwa_url = "\(url)"
            client_id = "hark-test-client"
            product_id = "hark-test"
            device_serial = "test-0001"
            [state]
            dir = "\(scratch.appendingPathComponent("state").path)"
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await HarkBinary.run(["login", "--timeout", "2", "--config", config.path], scratch: scratch,
                                              timeout: .seconds(60))
        #expect(result.status == 75, "stderr: \(result.stderr)")
        let lines = result.stderrLines.filter { $0.contains("Login with Amazon") }
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        let line = lines.first ?? ""
        #expect(line.contains("https://127.0.0.1:9/auth/O2"), "\(line)")
        #expect(line.contains("auth.lwa_url"), "\(line)")
        #expect(line.contains("run `hark login` again"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("state/refresh-token").path))
    }

    @Test func aTimeoutThatIsNotPositiveIsAUsageError() async throws {
        let scratch = try makeScratchDirectory("login-timeout")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await HarkBinary.run(["login", "--timeout", "0"], scratch: scratch)
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--timeout"))
    }
}
