@testable import Appliance
import GPIO

/// Runs a `ButtonClassifier` along a virtual timeline: edges at given times, its timers fired
/// at their deadlines, in time order (an edge and a timer at the same instant: the edge
/// first). Records each gesture with the time it came out.
struct ClassifierTimeline {
    var classifier: ButtonClassifier
    var gestures: [(ButtonGesture, Duration)] = []
    var notices: [ButtonNotice] = []
    private var timers: [ButtonClassifier.Timer: (deadline: Duration, generation: Int)] = [:]
    private var now: Duration = .zero

    init(_ settings: ButtonClassifier.Settings = .init(), initiallyActive: Bool = false) {
        classifier = ButtonClassifier(settings: settings, initiallyActive: initiallyActive)
        apply(classifier.startActions)
    }

    var gestureKinds: [ButtonGesture] { gestures.map(\.0) }

    /// Edges at the given times (milliseconds), then time runs on to `until`.
    mutating func run(_ edges: [(Int, Bool)], until end: Int) {
        for (time, active) in edges {
            advance(to: .milliseconds(time))
            apply(classifier.handle(.edge(EdgeEvent(active: active, timestamp: .milliseconds(time)))))
        }
        advance(to: .milliseconds(end))
    }

    /// A press held `held` ms starting at `at`, with `bounces` extra edge pairs 2 ms apart at
    /// both ends (a real contact's chatter).
    static func press(at start: Int, held: Int, bounces: Int = 0) -> [(Int, Bool)] {
        var edges: [(Int, Bool)] = []
        for index in 0..<bounces { edges += [(start + 4 * index, true), (start + 4 * index + 2, false)] }
        edges.append((start + 4 * bounces, true))
        let end = start + held
        for index in 0..<bounces { edges += [(end + 4 * index, false), (end + 4 * index + 2, true)] }
        edges.append((end + 4 * bounces, false))
        return edges
    }

    private mutating func advance(to time: Duration) {
        while let (timer, due) = timers.filter({ $0.value.deadline <= time }).min(by: { $0.value.deadline < $1.value.deadline }) {
            timers[timer] = nil
            now = due.deadline
            apply(classifier.handle(.timerFired(timer, generation: due.generation)))
        }
        now = time
    }

    private mutating func apply(_ actions: [ButtonClassifier.Action]) {
        for action in actions {
            switch action {
            case .gesture(let gesture): gestures.append((gesture, now))
            case .schedule(let timer, let delay, let generation): timers[timer] = (now + delay, generation)
            case .cancel(let timer): timers[timer] = nil
            case .notice(let notice): notices.append(notice)
            }
        }
    }
}
