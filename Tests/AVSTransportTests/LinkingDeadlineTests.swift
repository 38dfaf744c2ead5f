import Foundation
import Logging
import Testing

@testable import AVSTransport
import TestSupport

/// Code-based linking ends: with a clear error when Login with Amazon cannot be reached or
/// nobody enters the code, instead of retrying forever.
@Suite struct LinkingDeadlineTests {
    let pair = CodePair(
        userCode: "ABC123", deviceCode: "device-code", verificationURI: "https://amazon.com/us/code",
        expiresIn: .seconds(600), interval: .seconds(5))

    @Test func unreachableUntilTheDeadlineFailsWithTheLastError() {
        var machine = CodePairLinkingMachine(jitter: .fixed(0.5), giveUpAfter: .seconds(90))
        #expect(machine.handle(.start) == [.schedule(.giveUp, after: .seconds(90)), .requestCodePair])
        _ = machine.handle(.codePairFailed("couldn't connect to server"))
        _ = machine.handle(.timerFired(.retry))
        _ = machine.handle(.codePairFailed("connection refused"))
        #expect(machine.handle(.timerFired(.giveUp)) == [.cancel(.retry), .failed(.unreachable(lastError: "connection refused"))])
        // Over: late answers and timers change nothing.
        #expect(machine.handle(.timerFired(.retry)).isEmpty)
        #expect(machine.handle(.codePairReceived(pair)).isEmpty)
    }

    @Test func aCodeNobodyApprovesFailsAtTheDeadline() {
        var machine = CodePairLinkingMachine(giveUpAfter: .seconds(900))
        _ = machine.handle(.start)
        _ = machine.handle(.codePairReceived(pair))
        _ = machine.handle(.timerFired(.poll))
        _ = machine.handle(.polled(.pending))
        #expect(machine.handle(.timerFired(.giveUp)) == [.cancel(.poll), .cancel(.expiry), .failed(.notApproved)])
        #expect(machine.handle(.polled(.pending)).isEmpty)
    }

    @Test func stopCancelsTheDeadlineAndLinkingCanStartAgainAfterFailing() {
        var machine = CodePairLinkingMachine(giveUpAfter: .seconds(60))
        _ = machine.handle(.start)
        _ = machine.handle(.timerFired(.giveUp))
        #expect(machine.handle(.start) == [.schedule(.giveUp, after: .seconds(60)), .requestCodePair])
        #expect(machine.handle(.stop) == [.cancel(.poll), .cancel(.expiry), .cancel(.retry), .cancel(.giveUp)])
    }

    @Test func errorMessagesNameTheURLAndTheFix() {
        let unreachable = CodePairLinkingError(failure: .unreachable(lastError: "Couldn't connect to server"),
                                               lwaURL: "https://api.amazon.com/auth/O2/", after: .seconds(600))
        #expect("\(unreachable)".contains("https://api.amazon.com/auth/O2/"))
        #expect("\(unreachable)".contains("Couldn't connect to server"))
        #expect("\(unreachable)".contains("auth.lwa_url"))
        #expect("\(unreachable)".contains("hark login"))
        let notApproved = CodePairLinkingError(failure: .notApproved, lwaURL: "https://x/", after: .seconds(600))
        #expect("\(notApproved)".contains("600 s"))
        #expect("\(notApproved)".contains("hark login"))
    }

    /// The real authorizer and curl against a port nobody listens on, on a clock that does
    /// not wait: every retry along the table, then the error.
    @Test func linkAgainstAnUnreachableServerThrowsAfterTheDeadline() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let url = "https://127.0.0.1:9/auth/O2/"  // discard: nothing listens there
        let client = try LWAClient(configuration: LWAConfiguration(
            baseURL: url, clientID: "c", productID: "p", deviceSerialNumber: "1"))
        let clock = RecordingClock()
        let authorizer = LWAAuthorizer(client: client, store: TokenStore(directory: directory), clock: clock, jitter: .fixed(0.5),
                                       logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let shown = Locked(0)
        let error = await #expect(throws: CodePairLinkingError.self) {
            try await authorizer.link(giveUpAfter: .seconds(120)) { _ in shown.withLock { $0 += 1 } }
        }
        #expect(error?.lwaURL == url)
        guard case .unreachable(let lastError) = error?.failure else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(!lastError.isEmpty)
        #expect(shown.withLock { $0 } == 0)
        // Retries along the table (0, 1, 2, 4, 10, 30, 60 s) until 120 s had passed.
        let waited = clock.sleeps.reduce(Duration.zero, +)
        #expect(waited == .seconds(120))
        #expect(clock.sleeps.count >= 6)
    }
}
