import Foundation
import Logging
import Testing
@testable import Appliance

/// A session is rebuilt whenever it has been offline too long; every rebuild must free the
/// old session's objects, or a board that loses its network once a day grows without bound.
@Suite struct SessionLifetimeTests {
    @Test func aFinishedSessionAndItsCompanionsAreFreed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-lifetime-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Nothing answers on port 1: the session tries to connect and waits to retry.
        let settings = try SettingsLoader.parse("""
            [avs]
            endpoint = "https://127.0.0.1:1"
            [auth]
            client_id = "test-client"
            product_id = "hark_test"
            device_serial = "0001"
            [state]
            dir = "\(directory.path)"
            [audio]
            capture_device = "null"
            playback_device = "null"
            """, path: "test.toml", environment: [:])
        let parts = try ApplianceParts.build(settings: settings, environment: [:],
                                             logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { parts.shutdown() }

        weak var session: SessionService?
        do {
            let runnable = try parts.makeSession { _ in }
            session = runnable.session
            let running = Task { await runnable.run() }
            try await Task.sleep(for: .milliseconds(300))
            running.cancel()
            await running.value
        }
        // Tasks the session started may take a moment to let go of it.
        let deadline = ContinuousClock.now + .seconds(5)
        while session != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(session == nil, "the session outlived its run: a reference cycle keeps it")
    }
}
