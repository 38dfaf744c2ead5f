/// An open PCM that closes itself (`snd_pcm_close`) when released.
///
/// alsa-lib PCM handles are not thread-safe, so a `PCM` is confined to the one thread that owns
/// it (the engine's audio thread): it is deliberately not `Sendable`. Every call goes through
/// the `PCMDriver` it was opened with.
public final class PCM {
    /// The PCM name it was opened with (`hark_capture`, `pulse`, `hw:1,0`).
    public let name: String
    /// Capture or playback.
    public let stream: PCMStream
    /// The driver every call goes through.
    public let driver: PCMDriver
    private var handle: PCMHandle?

    /// Opens `name` (`snd_pcm_open`, blocking mode).
    public init(name: String, stream: PCMStream, driver: PCMDriver = .system) throws(ALSAError) {
        self.name = name
        self.stream = stream
        self.driver = driver
        self.handle = try driver.open(name, stream)
    }

    deinit {
        if let handle { try? driver.close(handle) }
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { handle == nil }

    private func open() throws(ALSAError) -> PCMHandle {
        guard let handle else { throw ALSAError.badState }
        return handle
    }

    /// Sets the hardware parameters (`snd_pcm_hw_params` and its setters); returns what the
    /// device chose.
    public func setHardwareParameters(_ parameters: PCMHardwareParameters) throws(ALSAError) -> PCMHardwareParameters {
        try driver.setHardwareParameters(try open(), parameters)
    }

    /// Sets the software parameters (`snd_pcm_sw_params`).
    public func setSoftwareParameters(_ parameters: PCMSoftwareParameters) throws(ALSAError) {
        try driver.setSoftwareParameters(try open(), parameters)
    }

    /// Reads up to `frames` frames of interleaved S16_LE into `buffer` (`snd_pcm_readi`).
    public func read(into buffer: UnsafeMutableRawPointer, frames: Int) throws(ALSAError) -> Int {
        try driver.readInterleaved(try open(), buffer, frames)
    }

    /// Writes up to `frames` frames of interleaved S16_LE from `buffer` (`snd_pcm_writei`).
    public func write(from buffer: UnsafeRawPointer, frames: Int) throws(ALSAError) -> Int {
        try driver.writeInterleaved(try open(), buffer, frames)
    }

    /// `snd_pcm_prepare`.
    public func prepare() throws(ALSAError) { try driver.prepare(try open()) }
    /// `snd_pcm_recover` after `error` came back from a read or write.
    public func recover(from error: ALSAError) throws(ALSAError) { try driver.recover(try open(), error) }
    /// `snd_pcm_resume`; throws `.tryAgain` while the device is still resuming.
    public func resume() throws(ALSAError) { try driver.resume(try open()) }
    /// `snd_pcm_drain`: blocks until queued frames have been played.
    public func drain() throws(ALSAError) { try driver.drain(try open()) }
    /// `snd_pcm_drop`: stops now, discarding queued frames.
    public func drop() throws(ALSAError) { try driver.drop(try open()) }
    /// `snd_pcm_delay` in frames.
    public func delay() throws(ALSAError) -> Int { try driver.delay(try open()) }
    /// `snd_pcm_avail` in frames.
    public func available() throws(ALSAError) -> Int { try driver.available(try open()) }

    /// `snd_pcm_close`. Idempotent: later calls (and `deinit`) do nothing.
    public func close() throws(ALSAError) {
        guard let handle else { return }
        self.handle = nil
        try driver.close(handle)
    }
}
