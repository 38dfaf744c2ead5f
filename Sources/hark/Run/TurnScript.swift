import AVS
import Appliance

/// Scripted turns for tests and the demo: once connected, wait `tapAfter` ms, tap (or hold for
/// `holdFor` ms); a turn is whole when the dialog is idle again and the speech's last event
/// (SpeechFinished or SpeechInterrupted) went out. After `turns` turns, done.
actor TurnScript {
    enum Outcome: Equatable { case running, done }

    let tapAfter: Int?
    let holdFor: Int?
    let turns: Int?
    /// Barge in once: tap this many milliseconds after the first speech starts.
    let bargeInAfter: Int?
    let session: SessionSlot
    private var bargedIn = false
    private var completed = 0
    private var inTurn = false
    private var spoke = false
    private var speechEventSent = false
    private var idle = false
    /// A scripted tap is waiting to fire.
    private var tapPending = false

    init(tapAfter: Int?, holdFor: Int?, turns: Int?, bargeInAfter: Int?, session: SessionSlot) {
        self.tapAfter = tapAfter
        self.holdFor = holdFor
        self.turns = turns
        self.bargeInAfter = bargeInAfter
        self.session = session
    }

    func observe(_ note: SessionNote) -> Outcome {
        switch note {
        case .connection(true):
            // Also after a reconnect: a tap that fired while offline was ignored, so a turn
            // that never began is tried again (without this a scripted run waited for ever).
            idle = true
            if !inTurn { scheduleTurn() }
        case .state(let state):
            idle = state == .idle
            if state == .listening { inTurn = true }
        case .playbackStarted:
            // Each speech needs its own last event (an interrupted one's does not count).
            spoke = true
            speechEventSent = false
            if let bargeInAfter, !bargedIn {
                bargedIn = true
                let session = self.session
                Task {
                    try? await Task.sleep(for: .milliseconds(bargeInAfter))
                    session.trigger(.tap)
                }
            }
        case .playbackFailed:
            // Speech that failed (a cut-off attachment) sends no last event: it is over.
            speechEventSent = true
        case .eventSent(let name), .eventFailed(let name, _):
            if name == "SpeechSynthesizer.SpeechFinished" || name == "SpeechSynthesizer.SpeechInterrupted" {
                speechEventSent = true
            }
        default:
            break
        }
        if inTurn, idle, !spoke || speechEventSent {
            inTurn = false
            spoke = false
            speechEventSent = false
            completed += 1
            if let turns, completed >= turns { return .done }
            scheduleTurn()
        }
        return .running
    }

    private func scheduleTurn() {
        guard let tapAfter, !tapPending else { return }
        tapPending = true
        let (session, holdFor) = (self.session, self.holdFor)
        Task {
            try? await Task.sleep(for: .milliseconds(tapAfter))
            self.tapFired()
            if let holdFor {
                session.trigger(.press)
                try? await Task.sleep(for: .milliseconds(holdFor))
                session.trigger(.release)
            } else {
                session.trigger(.tap)
            }
        }
    }

    private func tapFired() {
        tapPending = false
    }
}
