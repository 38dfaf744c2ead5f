@testable import AVS

/// An `AudioPlayer.Play` directive as AVS sends it.
func play(_ behavior: String, token: String, url: String? = nil, offset: Int = 0, delay: Int? = nil, interval: Int? = nil,
          previous: String? = nil, id: String = "play") -> Directive {
    var stream: [String: JSONValue] = [
        "url": .string(url ?? "https://media.example/\(token).mp3"), "streamFormat": "AUDIO_MPEG",
        "offsetInMilliseconds": .number(Double(offset)), "token": .string(token),
    ]
    var report: [String: JSONValue] = [:]
    if let delay { report["progressReportDelayInMilliseconds"] = .number(Double(delay)) }
    if let interval { report["progressReportIntervalInMilliseconds"] = .number(Double(interval)) }
    if !report.isEmpty { stream["progressReport"] = .object(report) }
    if let previous { stream["expectedPreviousToken"] = .string(previous) }
    return directive("AudioPlayer", "Play", id: id, [
        "playBehavior": .string(behavior), "audioItem": ["audioItemId": .string("item-\(token)"), "stream": .object(stream)],
    ])
}

extension Array where Element == AudioPlayer.Action {
    var events: [Event] {
        compactMap { if case .sendEvent(let event) = $0 { event } else { nil } }
    }

    /// `Name(token@offset)` per event, the way the tests compare them.
    var eventSummary: [String] {
        events.map { event in
            let token = event.payload["token"]?.stringValue
            let offset = event.payload["offsetInMilliseconds"]?.intValue
            return event.header.name + (token.map { "(\($0)@\(offset.map(String.init) ?? "-"))" } ?? "")
        }
    }

    /// Tokens of the streams the player is asked to start.
    var played: [String] {
        compactMap { if case .play(let item) = $0 { item.token } else { nil } }
    }

    var stops: Int { filter { $0 == .stop }.count }
}

/// The agent with a fake clock for its progress timers: records what is scheduled, fires
/// what is due when time moves on.
struct PlayerRig {
    var agent = AudioPlayer(ids: MessageIDSource(seed: 7))
    private(set) var now: Duration = .zero
    private var deadlines: [AudioPlayer.AudioPlayerTimer: Duration] = [:]

    var pending: Set<AudioPlayer.AudioPlayerTimer> { Set(deadlines.keys) }

    mutating func handle(_ input: AudioPlayer.Input) -> [AudioPlayer.Action] {
        apply(agent.handle(input))
    }

    private mutating func apply(_ actions: [AudioPlayer.Action]) -> [AudioPlayer.Action] {
        for action in actions {
            switch action {
            case .schedule(let timer, let delay): deadlines[timer] = now + delay
            case .cancel(let timer): deadlines[timer] = nil
            default: break
            }
        }
        return actions
    }

    /// Moves playback time on, firing due timers in deadline order.
    mutating func advance(milliseconds: Int) -> [AudioPlayer.Action] {
        let end = now + .milliseconds(milliseconds)
        var all: [AudioPlayer.Action] = []
        while let (timer, deadline) = deadlines.filter({ $0.value <= end }).min(by: { $0.value < $1.value }) {
            now = deadline
            deadlines[timer] = nil
            all += apply(agent.handle(.timerFired(timer)))
        }
        now = end
        return all
    }
}
