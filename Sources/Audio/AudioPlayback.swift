/// A speaker: the one seam between Hark and the audio hardware on the way out.
///
/// One stream at a time: `begin(format:)`, then `write` from a single task, then `finish()` (play
/// out) or `stop()` (barge-in).
public protocol AudioPlayback: AnyObject, Sendable {
    /// Opens the PCM at this format (through `plug`, so any rate the decoder gives works) and
    /// starts the playback thread. Throws `AudioDeviceError` when the open fails. A stream still
    /// playing is stopped first.
    func begin(format: AudioFormat) throws
    /// Queues interleaved samples; suspends while the bounded buffer is full. Throws
    /// `AudioDeviceError` (kind `.stopped`) after `stop()`, and `CancellationError` when the task
    /// is cancelled while waiting.
    func write(_ samples: [Int16]) async throws
    /// Returns once the last queued sample has been played (drained), then closes the PCM.
    func finish() async throws
    /// Barge-in: drops queued and device-buffered audio now and closes the PCM.
    func stop()
    /// Software volume, 0...100 on a perceptual curve, ramped so changes do not click.
    func setVolume(_ volume: Int)
    /// Mutes or unmutes, ramped like a volume change.
    func setMuted(_ muted: Bool)
    /// Frames of the current stream that have reached the listener (written minus the device's
    /// delay), for AVS `offsetInMilliseconds`.
    var playedFrames: Int { get }
    /// Counters since the last `begin(format:)`.
    var statistics: AudioStatistics { get }
    /// After `stop()`: the frames the listener heard, from the first sample, once the device's
    /// position is final (waiting at most `limit` for it). AVS's `offsetInMilliseconds` of
    /// `SpeechInterrupted`.
    func stoppedPlayedFrames(waitingAtMost limit: Duration) async -> Int
}

extension AudioPlayback {
    /// A speaker whose `playedFrames` is final as soon as `stop()` returns.
    public func stoppedPlayedFrames(waitingAtMost limit: Duration) async -> Int { playedFrames }
}
