import Foundation
import Synchronization

/// Everything the simulator's streams share: tokens, scenario progress, fault budgets,
/// open downchannels. Guarded by one mutex; every method is short and never blocks.
public final class SimulatorState: Sendable {
    public let scenario: Scenario
    public let recorder: Recorder
    /// Alert pushes made and Alerts events received.
    public let alerts = AlertTracker()
    private let inner: Mutex<Inner>

    struct Inner {
        var lwa: LoginWithAmazon
        /// Faults with what is left of their budget.
        var faults: [(fault: Fault, remaining: Int)]
        var downchannels: [Int: DownchannelHandle] = [:]
        var nextDownchannelID = 1
        var recognizeCount = 0
        var acceptedEvents = 0
        var rejectedEvents = 0
        var connectionsAccepted = 0
        var eventNames: [String] = []
        /// The initiator of the last ExpectSpeech sent: the next Recognize may echo it.
        var expectedInitiator: SimJSON?
        var stopCapturesSent = 0
        var messageIds: Set<String> = []
        var speakTokens: Set<String> = []
        /// AudioPlayer.Play tokens sent, and media streams served.
        var playTokens: Set<String> = []
        var mediaServed = 0
        /// Oddities noticed in accepted events (not protocol errors), with the event number.
        var notes: [String] = []
    }

    public init(scenario: Scenario, recorder: Recorder) {
        self.scenario = scenario
        self.recorder = recorder
        inner = Mutex(Inner(
            lwa: LoginWithAmazon(settings: scenario.auth, now: .now),
            faults: scenario.faults.map { ($0, $0.count) }))
    }

    // MARK: - Authorization

    public func isAuthorized(_ authorization: String?) -> Bool {
        inner.withLock { $0.lwa.isAuthorized(authorization, now: .now) }
    }

    public func revokeAccessTokens() { inner.withLock { $0.lwa.revokeAccessTokens() } }
    public func revokeRefreshTokens() { inner.withLock { $0.lwa.revokeRefreshTokens() } }

    public func createCodePair(_ form: [String: String]) -> SimAnswer {
        inner.withLock { $0.lwa.createCodePair(form, now: .now) }
    }

    public func token(_ form: [String: String]) -> SimAnswer {
        inner.withLock { $0.lwa.token(form, now: .now) }
    }

    // MARK: - Faults

    /// Takes one use of the first armed fault of `kind` that applies to `target`.
    public func takeFault(_ kind: Fault.Kind, target: Fault.Target? = nil) -> Fault? {
        inner.withLock { state in
            for index in state.faults.indices {
                let (fault, remaining) = state.faults[index]
                guard fault.kind == kind, remaining > 0 else { continue }
                if let afterEvents = fault.afterEvents, state.acceptedEvents < afterEvents { continue }
                if let target, !Self.applies(fault.target, to: target) { continue }
                state.faults[index].remaining -= 1
                return fault
            }
            return nil
        }
    }

    static func applies(_ faultTarget: Fault.Target, to target: Fault.Target) -> Bool {
        switch (faultTarget, target) {
        case (.any, _): true
        case (.events, .recognize): true
        default: faultTarget == target
        }
    }

    /// Counts an accepted event; revokes tokens when a `reject_token` fault's
    /// `after_events` is reached.
    func eventAccepted(_ name: String) {
        inner.withLock { state in
            state.acceptedEvents += 1
            state.eventNames.append(name)
            for index in state.faults.indices {
                let (fault, remaining) = state.faults[index]
                guard fault.kind == .rejectToken, remaining > 0, let after = fault.afterEvents,
                      state.acceptedEvents >= after else { continue }
                state.faults[index].remaining = 0
                state.lwa.revokeAccessTokens()
            }
        }
    }

    func eventRejected() { inner.withLock { $0.rejectedEvents += 1 } }

    /// `reject_token` faults armed by time: (delay, fault index) for the server to schedule.
    func timedTokenRevocations() -> [Int] {
        inner.withLock { state in
            state.faults.compactMap { $0.fault.kind == .rejectToken && $0.fault.afterEvents == nil ? $0.fault.afterMilliseconds : nil }
        }
    }

    // MARK: - Connections and downchannels

    func connectionAccepted() { inner.withLock { $0.connectionsAccepted += 1 } }

    func registerDownchannel(_ make: (Int) -> DownchannelHandle) -> Int {
        inner.withLock { state in
            let id = state.nextDownchannelID
            state.nextDownchannelID += 1
            state.downchannels[id] = make(id)
            return id
        }
    }

    func unregisterDownchannel(_ id: Int) { _ = inner.withLock { $0.downchannels.removeValue(forKey: id) } }

    /// The newest downchannel on `connection`, else the newest of any.
    func downchannel(on connection: ObjectIdentifier?) -> DownchannelHandle? {
        inner.withLock { state in
            let all = state.downchannels.sorted { $0.key > $1.key }.map(\.value)
            return all.first { $0.connection == connection } ?? all.first
        }
    }

    public var downchannels: [DownchannelHandle] {
        inner.withLock { state in state.downchannels.sorted { $0.key < $1.key }.map(\.value) }
    }

    // MARK: - Dialog

    /// The 0-based index of this Recognize.
    func nextRecognizeIndex() -> Int {
        inner.withLock { state in
            defer { state.recognizeCount += 1 }
            return state.recognizeCount
        }
    }

    var expectedInitiator: SimJSON? { inner.withLock { $0.expectedInitiator } }

    func setExpectedInitiator(_ initiator: SimJSON?) { inner.withLock { $0.expectedInitiator = initiator } }

    func stopCaptureSent() { inner.withLock { $0.stopCapturesSent += 1 } }

    /// Remembers a messageId; false when it was seen before (AVS wants a new one per event).
    func isNewMessageId(_ id: String) -> Bool { inner.withLock { $0.messageIds.insert(id).inserted } }

    func addNotes(_ notes: [String], event number: Int) {
        guard !notes.isEmpty else { return }
        inner.withLock { $0.notes += notes.map { "event \(number): \($0)" } }
    }

    func speakSent(token: String) { _ = inner.withLock { $0.speakTokens.insert(token) } }

    func isKnownSpeakToken(_ token: String) -> Bool { inner.withLock { $0.speakTokens.contains(token) } }

    func playSent(token: String) { _ = inner.withLock { $0.playTokens.insert(token) } }

    func isKnownPlayToken(_ token: String) -> Bool { inner.withLock { $0.playTokens.contains(token) } }

    func mediaServed() { inner.withLock { $0.mediaServed += 1 } }

    /// A summary for `GET /sim/state`.
    public var snapshot: SimJSON {
        inner.withLock { state in
            [
                "connections_accepted": .number(Double(state.connectionsAccepted)),
                "downchannels_open": .number(Double(state.downchannels.count)),
                "events_accepted": .number(Double(state.acceptedEvents)),
                "events_rejected": .number(Double(state.rejectedEvents)),
                "recognizes": .number(Double(state.recognizeCount)),
                "stop_captures_sent": .number(Double(state.stopCapturesSent)),
                "token_refreshes": .number(Double(state.lwa.refreshCount)),
                "code_pair_links": .number(Double(state.lwa.linkCount)),
                "events": .array(state.eventNames.map { .string($0) }),
                "media_streams_served": .number(Double(state.mediaServed)),
                "notes": .array(state.notes.map { .string($0) }),
                "alert_events": .array(alerts.events.map { .string($0) }),
            ]
        }
    }
}
