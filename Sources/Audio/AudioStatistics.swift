/// Counters an engine keeps since its last `start()` / `begin(format:)`.
public struct AudioStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Frames read from (capture) or written to (playback) the device.
    public var frames: Int
    /// Overruns (capture) or underruns (playback), each recovered in place (`-EPIPE`).
    public var xruns: Int
    /// Times the stream was suspended and resumed (`-ESTRPIPE`, system sleep).
    public var suspends: Int
    /// Times the device was lost (`-ENODEV`, `-EIO`, `-EBADFD`) and opened again.
    public var reopens: Int
    /// Capture chunks dropped because the consumer fell behind the bounded buffer.
    public var droppedChunks: Int

    public init(frames: Int = 0, xruns: Int = 0, suspends: Int = 0, reopens: Int = 0, droppedChunks: Int = 0) {
        self.frames = frames
        self.xruns = xruns
        self.suspends = suspends
        self.reopens = reopens
        self.droppedChunks = droppedChunks
    }

    public var description: String {
        "frames \(frames), xruns \(xruns), suspends \(suspends), reopens \(reopens), dropped chunks \(droppedChunks)"
    }
}
