/// The AudioPlayer capability agent: the queue of streams AVS asks for (`Play` with
/// REPLACE_ALL / ENQUEUE / REPLACE_ENQUEUED, `Stop`, `ClearQueue`), the events that report
/// their playback (PlaybackStarted, PlaybackNearlyFinished, progress reports, stutters,
/// PlaybackFinished / Stopped / Failed, PlaybackQueueCleared, PlaybackPaused / Resumed) and
/// `AudioPlayer.PlaybackState` for the context.
///
/// A value state machine: the owner feeds it directives, player reports and timers and carries
/// out the actions it returns. Progress reports come from `.schedule` timers measured in
/// playback time (cancelled while the stream is held), so tests drive them with a fake clock.
public struct AudioPlayer: Sendable {
    public private(set) var phase = Phase.idle
    /// Streams waiting to play after the current one.
    public private(set) var queue: [AudioItem] = []
    /// The last stream's token, offset and how it ended, for the context once idle.
    public private(set) var last: (token: String, offset: Int, activity: PlayerActivity) = ("", 0, .idle)
    private var ids: MessageIDSource

    public init(ids: MessageIDSource = MessageIDSource()) {
        self.ids = ids
    }

    /// The stream being played (or started, held, stopped), if any.
    public var current: Current? {
        switch phase {
        case .idle: nil
        case .starting(let current), .playing(let current), .paused(let current), .underrun(let current),
             .stopping(let current, _): current
        }
    }

    public var playerActivity: PlayerActivity {
        switch phase {
        case .idle: last.activity
        case .starting, .playing: .playing
        case .paused: .paused
        case .underrun: .bufferUnderrun
        case .stopping: .stopped
        }
    }

    /// `AudioPlayer.PlaybackState`.
    public var context: ContextEntry {
        let (token, offset) = current.map { ($0.item.token, $0.offset) } ?? (last.token, last.offset)
        return ContextEntry(namespace: "AudioPlayer", name: "PlaybackState", payload: [
            "token": .string(token), "offsetInMilliseconds": .number(Double(offset)),
            "playerActivity": .string(playerActivity.rawValue),
        ])
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (phase, input) {
        case (_, .directive(let directive)):
            return handle(directive)
        case (.starting(var current), .playbackStarted(let offset)):
            // First sample out: report it, start the progress clocks.
            current.offset = offset
            current.started = true
            phase = .playing(current)
            return [event("PlaybackStarted", current)] + nearlyFinished() + scheduleProgress()
        case (.paused(var current), .playbackStarted(let offset)) where !current.started:
            // Held right as it started: report the start, the clocks wait for the resume.
            current.offset = offset
            current.started = true
            phase = .paused(current)
            return [event("PlaybackStarted", current)] + nearlyFinished()
        case (.playing(var current), .playbackProgress(let offset)):
            // Position for the context and the next events.
            current.offset = offset
            phase = .playing(current)
            return []
        case (.starting, .bufferingComplete), (.playing, .bufferingComplete), (.paused, .bufferingComplete),
             (.underrun, .bufferingComplete):
            // Downloaded: AVS may send the next stream now (once PlaybackStarted is out).
            update { $0.bufferingComplete = true }
            return nearlyFinished()
        case (.playing(var current), .stutterStarted(let offset)):
            // Starved: the progress clocks stop with the audio.
            current.offset = offset
            current.stutterOpen = true
            phase = .underrun(current)
            return cancelProgress() + [event("PlaybackStutterStarted", current)]
        case (.underrun(var current), .stutterFinished(let offset, let milliseconds)),
             (.playing(var current), .stutterFinished(let offset, let milliseconds)) where current.stutterOpen:
            // Audio again (after a pause, too): report how long it stuttered, restart the clocks.
            current.offset = offset
            current.stutterOpen = false
            phase = .playing(current)
            return [event("PlaybackStutterFinished", current, extra: ["stutterDurationInMilliseconds": .number(Double(milliseconds))])]
                + scheduleProgress()
        case (.starting(var current), .playbackFinished(let offset)), (.playing(var current), .playbackFinished(let offset)),
             (.paused(var current), .playbackFinished(let offset)), (.underrun(var current), .playbackFinished(let offset)):
            // Played to the end (a clip too short to be seen starting reports both); next.
            current.offset = offset
            return finished(current) + startNext()
        case (.stopping(var current, let then), .playbackFinished(let offset)):
            // It ended by itself before the stop took effect: that is a finish.
            current.offset = offset
            return finished(current) + (then == .playNext ? startNext() : [])
        case (.stopping(var current, let then), .playbackStopped(let offset)):
            // Stopped where the player says; report it if AVS knew it had started.
            current.offset = max(current.offset, offset)
            last = (current.item.token, current.offset, .stopped)
            phase = .idle
            return (current.started ? [event("PlaybackStopped", current)] : []) + (then == .playNext ? startNext() : [])
        case (.starting(var current), .playbackStopped(let offset)), (.playing(var current), .playbackStopped(let offset)),
             (.paused(var current), .playbackStopped(let offset)), (.underrun(var current), .playbackStopped(let offset)):
            // Stopped without being asked (the device went away): stopped, and stay so.
            current.offset = max(current.offset, offset)
            last = (current.item.token, current.offset, .stopped)
            phase = .idle
            return cancelProgress() + (current.started ? [event("PlaybackStopped", current)] : [])
        case (.starting(var current), .playbackFailed(let offset, let error)), (.playing(var current), .playbackFailed(let offset, let error)),
             (.paused(var current), .playbackFailed(let offset, let error)), (.underrun(var current), .playbackFailed(let offset, let error)):
            // Unplayable or stalled: report it, move on to the next stream.
            current.offset = max(current.offset, offset)
            return failed(current, error) + startNext()
        case (.stopping(var current, let then), .playbackFailed(let offset, let error)):
            // It failed on its way out; the stop's plan still holds.
            current.offset = max(current.offset, offset)
            return failed(current, error) + (then == .playNext ? startNext() : [])
        case (.starting(let current), .pause), (.playing(let current), .pause), (.underrun(let current), .pause):
            // Focus lost: hold the stream, stop the clocks.
            phase = .paused(current)
            return cancelProgress() + [.pause] + (current.started ? [event("PlaybackPaused", current)] : [])
        case (.paused(let current), .resume):
            // Focus back: carry on where it was held.
            phase = current.started ? .playing(current) : .starting(current)
            return [.resume] + (current.started ? [event("PlaybackResumed", current)] + scheduleProgress() : [])
        case (.playing(var current), .timerFired(.progressDelay)):
            // The delay report, once per stream.
            guard let delay = current.item.progressReportDelay, !current.delayReported else { return [] }
            current.delayReported = true
            current.offset = max(current.offset, delay)
            phase = .playing(current)
            return [event("ProgressReportDelayElapsed", current, offset: delay)]
        case (.playing(var current), .timerFired(.progressInterval)):
            // An interval report, and the next one.
            guard let interval = current.item.progressReportInterval, let due = current.nextInterval else { return [] }
            current.nextInterval = due + interval
            current.offset = max(current.offset, due)
            phase = .playing(current)
            return [event("ProgressReportIntervalElapsed", current, offset: due), .schedule(.progressInterval, after: .milliseconds(interval))]
        case (_, .timerFired):
            // A clock that belongs to a held or finished stream.
            return []
        case (.paused(var current), .playbackProgress(let offset)), (.underrun(var current), .playbackProgress(let offset)),
             (.stopping(var current, _), .playbackProgress(let offset)), (.starting(var current), .playbackProgress(let offset)):
            // Position only.
            current.offset = offset
            update { $0.offset = current.offset }
            return []
        case (.idle, _), (.starting, _), (.playing, _), (.paused, _), (.underrun, _), (.stopping, _):
            // Reports that do not apply here (late, duplicated, or of a stream already gone).
            return []
        }
    }
}

// MARK: - Directives

extension AudioPlayer {
    private mutating func handle(_ directive: Directive) -> [Action] {
        switch directive.header.name {
        case "Play":
            switch AudioItem.parse(directive) {
            case .failure(let error):
                return [reject(directive, .unexpectedInformationReceived, error.message)]
            case .success(let (behavior, item)):
                return play(behavior, item)
            }
        case "Stop":
            // Stop what plays; the queue waits for the next Play.
            return stopCurrent(then: .halt)
        case "ClearQueue":
            let name = directive.payload["clearBehavior"]?.stringValue ?? ClearBehavior.clearEnqueued.rawValue
            guard let behavior = ClearBehavior(rawValue: name) else {
                return [reject(directive, .unexpectedInformationReceived, "ClearQueue clearBehavior '\(name)' is not CLEAR_ENQUEUED or CLEAR_ALL")]
            }
            queue = []
            let cleared = Action.sendEvent(Event(header: header("PlaybackQueueCleared")))
            return behavior == .clearAll ? [cleared] + stopCurrent(then: .halt) : [cleared]
        default:
            return [reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)")]
        }
    }

    private mutating func play(_ behavior: PlayBehavior, _ item: AudioItem) -> [Action] {
        switch behavior {
        case .replaceAll:
            // This stream now: stop the current one first (PlaybackStopped), drop the queue.
            queue = [item]
            if case .idle = phase { return startNext() }
            return stopCurrent(then: .playNext)
        case .enqueue:
            // After the last one, if it follows the stream AVS expects it to.
            let tail = queue.last?.token ?? current?.item.token
            if let expected = item.expectedPreviousToken, let tail, expected != tail { return [] }
            queue.append(item)
            if case .idle = phase { return startNext() }
            return []
        case .replaceEnqueued:
            // A new queue behind what plays now.
            queue = [item]
            if case .idle = phase { return startNext() }
            return []
        }
    }

    private mutating func stopCurrent(then: AfterStop) -> [Action] {
        switch phase {
        case .idle:
            return []
        case .stopping(let current, _):
            phase = .stopping(current, then: then)
            return []
        case .starting(let current), .playing(let current), .paused(let current), .underrun(let current):
            phase = .stopping(current, then: then)
            return cancelProgress() + [.stop]
        }
    }

    private mutating func startNext() -> [Action] {
        guard !queue.isEmpty else {
            phase = .idle
            return []
        }
        let item = queue.removeFirst()
        phase = .starting(Current(item: item))
        return [.play(item)]
    }
}

// MARK: - Reports

extension AudioPlayer {
    private mutating func finished(_ current: Current) -> [Action] {
        var actions = cancelProgress()
        if !current.started { actions.append(event("PlaybackStarted", current)) }
        if !current.nearlyFinishedSent { actions.append(event("PlaybackNearlyFinished", current)) }
        actions.append(event("PlaybackFinished", current))
        last = (current.item.token, current.offset, .finished)
        phase = .idle
        return actions
    }

    private mutating func failed(_ current: Current, _ error: MediaError) -> [Action] {
        let state: JSONValue = [
            "token": .string(current.item.token), "offsetInMilliseconds": .number(Double(current.offset)),
            "playerActivity": .string(playerActivity.rawValue),
        ]
        let payload: JSONValue = [
            "token": .string(current.item.token), "currentPlaybackState": state,
            "error": ["type": .string(error.type.rawValue), "message": .string(error.message)],
        ]
        last = (current.item.token, current.offset, .stopped)
        phase = .idle
        return cancelProgress() + [.sendEvent(Event(header: header("PlaybackFailed"), payload: payload))]
    }

    /// PlaybackNearlyFinished once the stream started and is downloaded.
    private mutating func nearlyFinished() -> [Action] {
        guard let current, current.started, current.bufferingComplete, !current.nearlyFinishedSent else { return [] }
        update { $0.nearlyFinishedSent = true }
        return [event("PlaybackNearlyFinished", current)]
    }

    /// Timers up to the next progress reports, from the current offset.
    private mutating func scheduleProgress() -> [Action] {
        guard var current else { return [] }
        var actions: [Action] = []
        if let delay = current.item.progressReportDelay, !current.delayReported, delay >= current.offset {
            actions.append(.schedule(.progressDelay, after: .milliseconds(delay - current.offset)))
        }
        if let interval = current.item.progressReportInterval {
            let due = current.nextInterval ?? (current.offset / interval + 1) * interval
            current.nextInterval = due
            actions.append(.schedule(.progressInterval, after: .milliseconds(max(0, due - current.offset))))
        }
        update { $0 = current }
        return actions
    }

    private func cancelProgress() -> [Action] {
        guard let item = current?.item else { return [] }
        return (item.progressReportDelay != nil ? [.cancel(.progressDelay)] : [])
            + (item.progressReportInterval != nil ? [.cancel(.progressInterval)] : [])
    }

    /// Applies `change` to the current stream, whatever the phase.
    private mutating func update(_ change: (inout Current) -> Void) {
        switch phase {
        case .idle: break
        case .starting(var current): change(&current); phase = .starting(current)
        case .playing(var current): change(&current); phase = .playing(current)
        case .paused(var current): change(&current); phase = .paused(current)
        case .underrun(var current): change(&current); phase = .underrun(current)
        case .stopping(var current, let then): change(&current); phase = .stopping(current, then: then)
        }
    }

    private mutating func header(_ name: String) -> MessageHeader {
        MessageHeader(namespace: "AudioPlayer", name: name, messageId: ids.makeID())
    }

    /// `{"token","offsetInMilliseconds"}` plus `extra`.
    private mutating func event(_ name: String, _ current: Current, offset: Int? = nil, extra: [String: JSONValue] = [:]) -> Action {
        var payload: [String: JSONValue] = [
            "token": .string(current.item.token), "offsetInMilliseconds": .number(Double(offset ?? current.offset)),
        ]
        payload.merge(extra) { $1 }
        return .sendEvent(Event(header: header(name), payload: .object(payload)))
    }

    private mutating func reject(_ directive: Directive, _ type: ExceptionErrorType, _ message: String) -> Action {
        .sendEvent(.exceptionEncountered(unparsedDirective: directive.raw, type: type, message: message, messageId: ids.makeID()))
    }
}
