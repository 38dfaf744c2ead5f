import Testing

@testable import AVSTransport

struct TokenRig {
    var machine: TokenRefreshMachine
    var timers = FakeTimers<TokenRefreshMachine.Timer>()
    var actions: [TokenRefreshMachine.Action] = []

    init(jitter: Double = 0.5) {
        machine = TokenRefreshMachine(jitter: .fixed(jitter))
    }

    mutating func send(_ input: TokenRefreshMachine.Input) {
        for action in machine.handle(input) {
            switch action {
            case .schedule(let timer, let after): timers.schedule(timer, after: after)
            case .cancel(let timer): timers.cancel(timer)
            default: actions.append(action)
            }
        }
    }

    mutating func advance(by duration: Duration) {
        let end = timers.now + duration
        while let timer = timers.popDue(by: end) { send(.timerFired(timer)) }
        timers.settle(at: end)
    }

    mutating func take() -> [TokenRefreshMachine.Action] {
        defer { actions.removeAll() }
        return actions
    }
}

@Suite struct TokenRefreshMachineTests {
    @Test func refreshesAtStartThenTenMinutesBeforeExpiry() {
        var rig = TokenRig()
        rig.send(.start(hasRefreshToken: true))
        #expect(rig.take() == [.stateChanged(.refreshing), .requestRefresh])
        rig.send(.refreshSucceeded(expiresIn: .seconds(3600)))
        #expect(rig.take() == [.stateChanged(.authorized)])
        #expect(rig.timers.delay(of: .refresh) == .seconds(3000))
        rig.advance(by: .seconds(2999))
        #expect(rig.take().isEmpty)
        rig.advance(by: .seconds(1))
        #expect(rig.take() == [.requestRefresh])
    }

    @Test func shortLivedTokenRefreshesHalfway() {
        #expect(TokenRefreshMachine.refreshDelay(expiresIn: .seconds(600)) == .seconds(300))
        #expect(TokenRefreshMachine.refreshDelay(expiresIn: .seconds(3600)) == .seconds(3000))
    }

    @Test func noStoredTokenMeansUnlinked() {
        var rig = TokenRig()
        rig.send(.start(hasRefreshToken: false))
        #expect(rig.take() == [.stateChanged(.unlinked)])
        rig.send(.linked(expiresIn: .seconds(3600)))
        #expect(rig.take() == [.stateChanged(.authorized)])
    }

    @Test func retryTableWithJitterBoundsForever() {
        let table: [Double] = [0, 1, 2, 4, 10, 30, 60]
        for jitter in [0.0, 0.5, 0.999_999] {
            var rig = TokenRig(jitter: jitter)
            rig.send(.start(hasRefreshToken: true))
            for failure in 1...50 {
                rig.send(.refreshFailed(.transient("HTTP 503")))
                let delay = rig.timers.delay(of: .retry)!
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                let base = table[min(failure, table.count) - 1]
                #expect(seconds >= base * 0.5 - 1e-9 && seconds <= base * 1.5 + 1e-9)
                if jitter == 0.5 { #expect(abs(seconds - base) < 1e-9) }
                rig.advance(by: delay)
                #expect(rig.take().last == .requestRefresh)
            }
        }
    }

    @Test func invalidGrantUnlinksWithoutRetrying() {
        var rig = TokenRig()
        rig.send(.start(hasRefreshToken: true))
        _ = rig.take()
        rig.send(.refreshFailed(.invalidGrant))
        #expect(rig.take() == [.discardAccessToken, .forgetRefreshToken, .stateChanged(.unlinked)])
        #expect(rig.timers.deadlines.isEmpty)
        rig.advance(by: .seconds(86_400))
        #expect(rig.take().isEmpty)
    }

    @Test func rejectedAccessTokenRefreshesNow() {
        var rig = TokenRig()
        rig.send(.start(hasRefreshToken: true))
        rig.send(.refreshSucceeded(expiresIn: .seconds(3600)))
        _ = rig.take()
        rig.send(.accessTokenRejected)
        #expect(rig.take() == [.discardAccessToken, .stateChanged(.refreshing), .requestRefresh])
        #expect(rig.timers.delay(of: .refresh) == nil)
        // A second 403 while that refresh is out only drops the token again.
        rig.send(.accessTokenRejected)
        #expect(rig.take() == [.discardAccessToken])
    }

    @Test func rejectionDuringRetryWaitRefreshesAtOnce() {
        var rig = TokenRig()
        rig.send(.start(hasRefreshToken: true))
        rig.send(.refreshFailed(.transient("timeout")))
        rig.send(.refreshFailed(.transient("timeout")))
        _ = rig.take()
        rig.send(.accessTokenRejected)
        #expect(rig.take() == [.discardAccessToken, .stateChanged(.refreshing), .requestRefresh])
    }
}

@Suite struct CodePairLinkingMachineTests {
    let pair = CodePair(
        userCode: "ABC123", deviceCode: "device-code", verificationURI: "https://amazon.com/us/code",
        expiresIn: .seconds(600), interval: .seconds(5))

    @Test func pollsEveryIntervalAndDoublesOnSlowDownUpToSixtySeconds() {
        var machine = CodePairLinkingMachine(jitter: .fixed(0.5))
        #expect(machine.handle(.start) == [.schedule(.giveUp, after: .seconds(600)), .requestCodePair])
        #expect(machine.handle(.codePairReceived(pair)) == [
            .showCode(pair), .schedule(.poll, after: .seconds(5)), .schedule(.expiry, after: .seconds(600)),
        ])
        #expect(machine.handle(.timerFired(.poll)) == [.pollToken(pair)])
        #expect(machine.handle(.polled(.pending)) == [.schedule(.poll, after: .seconds(5))])
        var expected: [Duration] = [.seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)]
        while !expected.isEmpty {
            #expect(machine.handle(.timerFired(.poll)) == [.pollToken(pair)])
            #expect(machine.handle(.polled(.slowDown)) == [.schedule(.poll, after: expected.removeFirst())])
        }
        // authorization_pending keeps the slowed interval.
        _ = machine.handle(.timerFired(.poll))
        #expect(machine.handle(.polled(.pending)) == [.schedule(.poll, after: .seconds(60))])
    }

    @Test func grantedLinks() {
        var machine = CodePairLinkingMachine()
        _ = machine.handle(.start)
        _ = machine.handle(.codePairReceived(pair))
        _ = machine.handle(.timerFired(.poll))
        let grant = TokenGrant(accessToken: AccessToken("a"), refreshToken: RefreshToken("r"), expiresIn: .seconds(3600))
        #expect(machine.handle(.polled(.granted(grant))) == [.cancel(.poll), .cancel(.expiry), .cancel(.giveUp), .linked(grant)])
        #expect(machine.handle(.timerFired(.poll)).isEmpty)
    }

    @Test func invalidCodePairOrExpiryStartsOver() {
        var machine = CodePairLinkingMachine()
        _ = machine.handle(.start)
        _ = machine.handle(.codePairReceived(pair))
        _ = machine.handle(.timerFired(.poll))
        #expect(machine.handle(.polled(.invalidCodePair)) == [.cancel(.poll), .cancel(.expiry), .requestCodePair])
        _ = machine.handle(.codePairReceived(pair))
        #expect(machine.handle(.timerFired(.expiry)) == [.cancel(.poll), .cancel(.expiry), .requestCodePair])
    }

    @Test func failedCodePairRequestRetriesAlongTheTable() {
        var machine = CodePairLinkingMachine(jitter: .fixed(0.5))
        _ = machine.handle(.start)
        #expect(machine.handle(.codePairFailed("couldn't connect")) == [.schedule(.retry, after: .zero)])
        #expect(machine.handle(.timerFired(.retry)) == [.requestCodePair])
        #expect(machine.handle(.codePairFailed("couldn't connect")) == [.schedule(.retry, after: .seconds(1))])
    }
}
