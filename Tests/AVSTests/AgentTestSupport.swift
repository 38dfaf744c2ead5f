@testable import AVS

/// A directive as AVS would send it.
func directive(_ namespace: String, _ name: String, dialog: String? = nil, id: String = "msg", _ payload: JSONValue = .emptyObject) -> Directive {
    Directive(header: MessageHeader(namespace: namespace, name: name, messageId: id, dialogRequestId: dialog), payload: payload)
}

func speak(dialog: String?, token: String = "tok", cid: String = "audio1", id: String = "speak") -> Directive {
    directive("SpeechSynthesizer", "Speak", dialog: dialog, id: id, ["url": .string("cid:" + cid), "format": "AUDIO_MPEG", "token": .string(token)])
}

extension Array where Element == AVSAction {
    /// The events sent (plain or Recognize), in order.
    var events: [Event] {
        compactMap {
            switch $0 {
            case .sendEvent(let event), .sendRecognize(let event): event
            default: nil
            }
        }
    }

    var eventNames: [String] { events.map(\.header.qualifiedName) }

    /// Everything but sent events, for comparing the device-side effects.
    var effects: [AVSAction] {
        filter {
            switch $0 {
            case .sendEvent, .sendRecognize: false
            default: true
            }
        }
    }
}

/// A clock for the session's timers: records what is scheduled and fires what is due.
struct FakeClock {
    private(set) var now: Duration = .zero
    private var deadlines: [TimerID: Duration] = [:]

    var pending: Set<TimerID> { Set(deadlines.keys) }

    /// Applies the timer actions; returns the actions unchanged.
    @discardableResult
    mutating func apply(_ actions: [AVSAction]) -> [AVSAction] {
        for action in actions {
            switch action {
            case .schedule(let timer, let delay): deadlines[timer] = now + delay
            case .cancel(let timer): deadlines[timer] = nil
            default: break
            }
        }
        return actions
    }

    /// Moves time on by `interval`, firing due timers into the session in deadline order.
    mutating func advance(_ interval: Duration, session: inout DialogSession) -> [AVSAction] {
        let end = now + interval
        var all: [AVSAction] = []
        while let (timer, deadline) = deadlines.filter({ $0.value <= end }).min(by: { $0.value < $1.value }) {
            now = deadline
            deadlines[timer] = nil
            all += apply(session.handle(.timerFired(timer)))
        }
        now = end
        return all
    }
}

/// A connected session with a fixed id sequence and the clock that drives it.
func connectedSession(_ settings: DialogSession.Settings = .init()) -> (DialogSession, FakeClock) {
    var session = DialogSession(settings: settings, ids: MessageIDSource(seed: 42))
    var clock = FakeClock()
    clock.apply(session.handle(.connectionChanged(connected: true)))
    return (session, clock)
}
