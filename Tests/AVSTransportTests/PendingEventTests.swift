import AVS
import Curl
import Testing

@testable import AVSTransport
import TestSupport

@Suite struct PendingEventTests {
    func unreachable(_ clock: ManualClock) throws -> CurlAVSConnection {
        let fake = FakeCurl { _ in (CurlError.couldNotConnect.code, 0) }
        return try CurlAVSConnection(
            configuration: .init(endpoint: "https://avs.test"), tokens: CountingTokens(), context: { [] },
            clock: clock, jitter: .fixed(0.5), driver: fake.driver)
    }

    func event(_ id: String) -> Event {
        Event(header: MessageHeader(namespace: "Alerts", name: "AlertStarted", messageId: id), payload: ["token": "t"])
    }

    @Test func eventWaitingFifteenSecondsIsDroppedButMustDeliverWaits() async throws {
        let clock = ManualClock()
        let connection = try unreachable(clock)
        connection.start()
        let ordinaryDone = Locked(false)
        let ordinary = Task {
            let result = await connection.send(event("ordinary"))
            ordinaryDone.withLock { $0 = true }
            return result
        }
        let mustDeliver = Task { await connection.send(event("alert"), mustDeliver: true) }
        try await Task.sleep(for: .milliseconds(50))
        await clock.advance(by: .seconds(14))
        #expect(!ordinaryDone.withLock { $0 })
        await clock.advance(by: .seconds(1.5))
        #expect(await ordinary.value == .expired)
        await clock.advance(by: .seconds(120))
        connection.stop()
        #expect(await mustDeliver.value == .cancelled)
    }
}
