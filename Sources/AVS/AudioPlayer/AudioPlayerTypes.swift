extension AudioPlayer {
    public enum Input: Sendable, Hashable {
        /// `AudioPlayer.Play`, `Stop` or `ClearQueue`.
        case directive(Directive)
        /// The current stream's first sample reached the speaker, at this stream offset.
        case playbackStarted(offsetInMilliseconds: Int)
        /// Where the current stream is now (reported now and then by the player).
        case playbackProgress(offsetInMilliseconds: Int)
        /// The current stream is completely downloaded: the next one may be fetched.
        case bufferingComplete
        /// The speaker ran out of audio because the stream did not keep up.
        case stutterStarted(offsetInMilliseconds: Int)
        /// Audio flows again after `stutterMilliseconds` of silence.
        case stutterFinished(offsetInMilliseconds: Int, stutterMilliseconds: Int)
        /// The stream played to its end.
        case playbackFinished(offsetInMilliseconds: Int)
        /// The stream ended early after `.stop`.
        case playbackStopped(offsetInMilliseconds: Int)
        /// The stream could not be fetched, decoded or played.
        case playbackFailed(offsetInMilliseconds: Int, MediaError)
        /// Something more important needs the speaker (focus): hold the stream where it is.
        case pause
        /// The speaker is free again.
        case resume
        case timerFired(AudioPlayerTimer)
    }

    public enum Action: Sendable, Hashable {
        case sendEvent(Event)
        /// Fetch and play this stream from its `offsetInMilliseconds`; report
        /// `playbackStarted` with the first sample.
        case play(AudioItem)
        /// Stop the current stream; report where with `playbackStopped`.
        case stop
        /// Hold the current stream (write no more audio) until `resume`.
        case pause
        case resume
        case schedule(AudioPlayerTimer, after: Duration)
        case cancel(AudioPlayerTimer)
    }

    /// The agent's timers, measured in playback time: cancelled while the stream is held.
    public enum AudioPlayerTimer: Sendable, Hashable {
        /// `progressReportDelayInMilliseconds` reached.
        case progressDelay
        /// The next `progressReportIntervalInMilliseconds` boundary reached.
        case progressInterval
    }

    /// The stream the agent is busy with.
    public struct Current: Sendable, Hashable {
        public var item: AudioItem
        /// Stream offset in milliseconds (the item's start offset plus what played).
        public var offset: Int
        /// `PlaybackStarted` was sent.
        public var started = false
        /// The stream is completely downloaded.
        public var bufferingComplete = false
        public var nearlyFinishedSent = false
        public var delayReported = false
        /// PlaybackStutterStarted went out and its Finished not yet (a pause may come between).
        public var stutterOpen = false
        /// The stream offset of the next interval report.
        public var nextInterval: Int?

        init(item: AudioItem) {
            self.item = item
            offset = item.offsetInMilliseconds
        }
    }

    /// What to do once a stop has been confirmed.
    public enum AfterStop: Sendable, Hashable {
        /// Stay stopped (Stop, ClearQueue CLEAR_ALL).
        case halt
        /// Play the queue's head (Play REPLACE_ALL).
        case playNext
    }

    public enum Phase: Sendable, Hashable {
        /// Nothing current.
        case idle
        /// `.play` asked for; no sample out yet.
        case starting(Current)
        case playing(Current)
        /// Held by `.pause` (focus).
        case paused(Current)
        /// The speaker starved (stutter).
        case underrun(Current)
        /// `.stop` asked for; waiting for the player's offset.
        case stopping(Current, then: AfterStop)
    }
}
