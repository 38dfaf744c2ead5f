import Curl
import Testing

@testable import AVSTransport

/// Drives a `ConnectionStateMachine` with a fake clock, recording the non-timer actions.
struct ConnectionRig {
    var machine: ConnectionStateMachine
    var timers = FakeTimers<ConnectionStateMachine.Timer>()
    var actions: [ConnectionStateMachine.Action] = []

    init(jitter: Double = 0.5) {
        machine = ConnectionStateMachine(jitter: .fixed(jitter))
    }

    mutating func send(_ input: ConnectionStateMachine.Input) {
        apply(machine.handle(input))
    }

    mutating func advance(by duration: Duration) {
        let end = timers.now + duration
        while let timer = timers.popDue(by: end) {
            apply(machine.handle(.timerFired(timer)))
        }
        timers.settle(at: end)
    }

    private mutating func apply(_ actions: [ConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .schedule(let timer, let after): timers.schedule(timer, after: after)
            case .cancel(let timer): timers.cancel(timer)
            default: self.actions.append(action)
            }
        }
    }

    /// Returns and clears the recorded actions.
    mutating func take() -> [ConnectionStateMachine.Action] {
        defer { actions.removeAll() }
        return actions
    }

    /// Start and complete a connection.
    mutating func connect() {
        send(.start)
        send(.downchannelResponded(status: 200))
        send(.synchronizeStateFinished(.status(204)))
        _ = take()
    }
}

@Suite struct ConnectionStateMachineTests {
    @Test func downchannelFirstThenSynchronizeStateThenConnected() {
        var rig = ConnectionRig()
        rig.send(.start)
        #expect(rig.take() == [.stateChanged(.connecting), .openDownchannel])
        rig.send(.downchannelResponded(status: 200))
        #expect(rig.take() == [.sendSynchronizeState])
        #expect(rig.machine.connectionState == .connecting)
        rig.send(.synchronizeStateFinished(.status(204)))
        #expect(rig.take() == [.stateChanged(.connected), .flushPendingEvents])
        #expect(rig.machine.isConnected)
        #expect(rig.timers.delay(of: .ping) == .seconds(300))
    }

    @Test func pingAfterFiveIdleMinutesAndActivityPostponesIt() {
        var rig = ConnectionRig()
        rig.connect()
        rig.advance(by: .seconds(200))
        rig.send(.requestSent)
        rig.advance(by: .seconds(299))
        #expect(rig.take().isEmpty)
        rig.advance(by: .seconds(1))
        #expect(rig.take() == [.sendPing])
        #expect(rig.timers.delay(of: .pingTimeout) == .seconds(30))
        rig.send(.pingFinished(.status(204)))
        #expect(rig.timers.delay(of: .pingTimeout) == nil)
        #expect(rig.timers.delay(of: .ping) == .seconds(300))
        #expect(rig.machine.isConnected)
    }

    @Test func pingTimeoutReconnects() {
        var rig = ConnectionRig(jitter: 0.5)
        rig.connect()
        rig.advance(by: .seconds(300))
        #expect(rig.take() == [.sendPing])
        rig.advance(by: .seconds(30))
        #expect(rig.take() == [.closeConnection, .stateChanged(.waitingToReconnect(failures: 1, retryIn: .milliseconds(250)))])
        rig.advance(by: .milliseconds(250))
        #expect(rig.take() == [.stateChanged(.connecting), .openDownchannel])
    }

    @Test(arguments: [RequestOutcome.status(500), .status(200), .failed(.operationTimedOut)])
    func pingAnswerOtherThan2xxReconnects(outcome: RequestOutcome) {
        var rig = ConnectionRig()
        rig.connect()
        rig.advance(by: .seconds(300))
        _ = rig.take()
        rig.send(.pingFinished(outcome))
        if outcome.isSuccess {
            #expect(rig.machine.isConnected)
        } else {
            #expect(rig.take().first == .closeConnection)
            #expect(rig.timers.delay(of: .pingTimeout) == nil)
        }
    }

    @Test func backoffSequenceWithJitterBoundsNeverGivesUp() {
        let table: [Double] = [0.25, 1, 3, 5, 10, 20]
        for jitter in [0.0, 0.999_999] {
            var rig = ConnectionRig(jitter: jitter)
            rig.send(.start)
            for failure in 1...1000 {
                rig.send(.downchannelEnded(.couldNotConnect))
                let base = table[min(failure, table.count) - 1]
                guard let delay = rig.timers.delay(of: .backoff) else {
                    Issue.record("no retry scheduled after failure \(failure)")
                    return
                }
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                #expect(seconds >= base * 0.5 - 1e-9 && seconds <= base * 1.5 + 1e-9, "failure \(failure): \(seconds)")
                if jitter == 0 { #expect(abs(seconds - base * 0.5) < 1e-9) }
                rig.advance(by: delay)
                #expect(rig.take().last == .openDownchannel, "failure \(failure)")
            }
        }
    }

    @Test func successfulConnectionResetsTheBackoff() {
        var rig = ConnectionRig(jitter: 0.5)
        rig.send(.start)
        for _ in 1...4 {
            rig.send(.downchannelResponded(status: 503))
            rig.advance(by: .seconds(30))
        }
        rig.send(.downchannelResponded(status: 200))
        rig.send(.synchronizeStateFinished(.status(200)))
        rig.send(.downchannelEnded(nil))
        #expect(rig.timers.delay(of: .backoff) == .milliseconds(250))
    }

    @Test func forbiddenInvalidatesTokenThenReconnects() {
        // Downchannel, SynchronizeState, an event and a ping alike.
        let cases: [(inout ConnectionRig) -> Void] = [
            { $0.send(.start); $0.send(.downchannelResponded(status: 403)) },
            { $0.send(.start); $0.send(.downchannelResponded(status: 200)); $0.send(.synchronizeStateFinished(.status(403))) },
            { $0.connect(); $0.send(.eventFinished(.status(403))) },
            { $0.connect(); $0.advance(by: .seconds(300)); $0.send(.pingFinished(.status(403))) },
        ]
        for run in cases {
            var rig = ConnectionRig(jitter: 0.5)
            run(&rig)
            let actions = rig.take()
            #expect(actions.contains(.invalidateAccessToken))
            #expect(actions.contains(.closeConnection))
            rig.advance(by: .milliseconds(250))
            #expect(rig.take() == [.stateChanged(.connecting), .openDownchannel])
        }
    }

    @Test(arguments: [429, 500, 503])
    func throttlingAndServerErrorsBackOffAndRetry(status: Int) {
        var rig = ConnectionRig(jitter: 0.5)
        rig.send(.start)
        rig.send(.downchannelResponded(status: status))
        var actions = rig.take()
        #expect(actions.contains(.closeConnection))
        #expect(!actions.contains(.invalidateAccessToken))
        rig.advance(by: .milliseconds(250))
        rig.send(.downchannelResponded(status: 200))
        rig.send(.synchronizeStateFinished(.status(status)))
        actions = rig.take()
        #expect(actions.contains(.stateChanged(.waitingToReconnect(failures: 2, retryIn: .seconds(1)))))
        rig.advance(by: .seconds(1))
        rig.send(.downchannelResponded(status: 200))
        rig.send(.synchronizeStateFinished(.status(204)))
        #expect(rig.machine.isConnected)
    }

    @Test func eventFailuresOtherThan403KeepTheConnection() {
        var rig = ConnectionRig()
        rig.connect()
        for outcome in [RequestOutcome.status(400), .status(429), .status(503), .failed(.operationTimedOut)] {
            rig.send(.eventFinished(outcome))
        }
        #expect(rig.take().isEmpty)
        #expect(rig.machine.isConnected)
    }

    @Test func downchannelEndReconnects() {
        var rig = ConnectionRig(jitter: 0.5)
        rig.connect()
        rig.send(.downchannelEnded(nil))
        #expect(rig.take().first == .closeConnection)
        #expect(rig.machine.connectionState == .waitingToReconnect(failures: 1, retryIn: .milliseconds(250)))
        #expect(rig.timers.delay(of: .ping) == nil)
    }

    @Test func endpointChangeReconnectsAtOnceAndStopCancelsEverything() {
        var rig = ConnectionRig()
        rig.connect()
        rig.send(.endpointChanged)
        #expect(rig.take() == [.closeConnection, .stateChanged(.connecting), .openDownchannel])
        rig.send(.downchannelEnded(.couldNotConnect))
        rig.send(.stop)
        #expect(rig.take().suffix(2) == [.closeConnection, .stateChanged(.stopped)])
        #expect(rig.timers.deadlines.isEmpty)
        rig.advance(by: .seconds(3600))
        #expect(rig.take().isEmpty)
    }

    @Test func downchannelThatNeverAnswersIsGivenUpAfterTenSeconds() {
        var rig = ConnectionRig(jitter: 0.5)
        rig.send(.start)
        // Waiting for a token does not count: the clock starts with the request.
        rig.advance(by: .seconds(60))
        #expect(rig.take() == [.stateChanged(.connecting), .openDownchannel])
        rig.send(.downchannelRequested)
        rig.advance(by: .milliseconds(9999))
        #expect(rig.take().isEmpty)
        rig.advance(by: .milliseconds(1))
        #expect(rig.take().first == .closeConnection)
        rig.advance(by: .milliseconds(250))
        rig.send(.downchannelRequested)
        rig.send(.downchannelResponded(status: 200))
        rig.advance(by: .seconds(60))
        #expect(rig.machine.connectionState == .connecting)  // synchronizing, no timeout fired
    }

    @Test func staleInputsAreIgnored() {
        var rig = ConnectionRig()
        rig.send(.pingFinished(.status(204)))
        rig.send(.timerFired(.pingTimeout))
        rig.send(.synchronizeStateFinished(.status(204)))
        #expect(rig.take().isEmpty)
        #expect(rig.machine.connectionState == .stopped)
    }
}
