/// A microphone: the one seam between the audio hardware and the rest of Hark on the way in.
public protocol AudioCapture: AnyObject, Sendable {
    /// Opens the PCM (throws `AudioDeviceError` when the first open fails) and starts the capture
    /// thread. The stream yields 10 ms chunks (160 samples at 16 kHz mono) and finishes after
    /// `stop()`, or when the consumer stops iterating.
    func start() throws -> AsyncStream<[Int16]>
    /// Stops capturing: the stream finishes now; the device is closed by the capture thread
    /// within one period.
    func stop()
    /// Counters since the last `start()`.
    var statistics: AudioStatistics { get }
}
