/// The alsa-lib calls Hark makes on a PCM: one `@Sendable` function per C call.
///
/// This is the chokepoint between Swift and alsa-lib (as swift-system's `Internals/Syscalls.swift`
/// is for the kernel). `PCMDriver.system` calls alsa-lib; a test builds its own value whose
/// functions record an ordered list of calls and return forced error codes (`-EPIPE`,
/// `-ESTRPIPE`, `-ENODEV`, `-EBUSY`), so xrun recovery and device reopening are tested without
/// hardware. Every function throws `ALSAError` carrying the negative C code.
public struct PCMDriver: Sendable {
    /// `snd_pcm_open` (or `snd_pcm_open_lconf` with a local configuration), blocking mode.
    public var open: @Sendable (_ name: String, _ stream: PCMStream) throws(ALSAError) -> PCMHandle
    /// `snd_pcm_hw_params_any`, `_set_rate_resample`, `_set_access`, `_set_format`,
    /// `_set_channels`, `_set_rate_near`, `_set_period_size_near`, `_set_buffer_size_near` and
    /// `snd_pcm_hw_params`; returns the values the device chose.
    public var setHardwareParameters: @Sendable (PCMHandle, PCMHardwareParameters) throws(ALSAError) -> PCMHardwareParameters
    /// `snd_pcm_sw_params_current`, `_set_start_threshold`, `_set_avail_min`, `snd_pcm_sw_params`.
    public var setSoftwareParameters: @Sendable (PCMHandle, PCMSoftwareParameters) throws(ALSAError) -> Void
    /// `snd_pcm_readi`: reads up to `frames` interleaved frames; returns the frames read.
    public var readInterleaved: @Sendable (PCMHandle, _ buffer: UnsafeMutableRawPointer, _ frames: Int) throws(ALSAError) -> Int
    /// `snd_pcm_writei`: writes up to `frames` interleaved frames; returns the frames written.
    public var writeInterleaved: @Sendable (PCMHandle, _ buffer: UnsafeRawPointer, _ frames: Int) throws(ALSAError) -> Int
    /// `snd_pcm_prepare`.
    public var prepare: @Sendable (PCMHandle) throws(ALSAError) -> Void
    /// `snd_pcm_recover` with the error a read or write returned (`silent` = 1).
    public var recover: @Sendable (PCMHandle, _ error: ALSAError) throws(ALSAError) -> Void
    /// `snd_pcm_resume`: throws `.tryAgain` while the device is still waking up.
    public var resume: @Sendable (PCMHandle) throws(ALSAError) -> Void
    /// `snd_pcm_drain`: blocks until queued playback frames have been played.
    public var drain: @Sendable (PCMHandle) throws(ALSAError) -> Void
    /// `snd_pcm_drop`: stops the stream now, discarding queued frames.
    public var drop: @Sendable (PCMHandle) throws(ALSAError) -> Void
    /// `snd_pcm_delay`: frames between the application pointer and what is heard (playback)
    /// or what was captured (capture).
    public var delay: @Sendable (PCMHandle) throws(ALSAError) -> Int
    /// `snd_pcm_avail`: frames ready to read or room to write.
    public var available: @Sendable (PCMHandle) throws(ALSAError) -> Int
    /// `snd_pcm_close`. The handle is invalid afterwards, even when this throws.
    public var close: @Sendable (PCMHandle) throws(ALSAError) -> Void

    public init(
        open: @escaping @Sendable (_ name: String, _ stream: PCMStream) throws(ALSAError) -> PCMHandle,
        setHardwareParameters: @escaping @Sendable (PCMHandle, PCMHardwareParameters) throws(ALSAError) -> PCMHardwareParameters,
        setSoftwareParameters: @escaping @Sendable (PCMHandle, PCMSoftwareParameters) throws(ALSAError) -> Void,
        readInterleaved: @escaping @Sendable (PCMHandle, _ buffer: UnsafeMutableRawPointer, _ frames: Int) throws(ALSAError) -> Int,
        writeInterleaved: @escaping @Sendable (PCMHandle, _ buffer: UnsafeRawPointer, _ frames: Int) throws(ALSAError) -> Int,
        prepare: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Void,
        recover: @escaping @Sendable (PCMHandle, _ error: ALSAError) throws(ALSAError) -> Void,
        resume: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Void,
        drain: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Void,
        drop: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Void,
        delay: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Int,
        available: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Int,
        close: @escaping @Sendable (PCMHandle) throws(ALSAError) -> Void
    ) {
        self.open = open
        self.setHardwareParameters = setHardwareParameters
        self.setSoftwareParameters = setSoftwareParameters
        self.readInterleaved = readInterleaved
        self.writeInterleaved = writeInterleaved
        self.prepare = prepare
        self.recover = recover
        self.resume = resume
        self.drain = drain
        self.drop = drop
        self.delay = delay
        self.available = available
        self.close = close
    }
}

extension PCMDriver {
    /// The real alsa-lib, reading the global ALSA configuration (`/usr/share/alsa/alsa.conf`,
    /// `/etc/asound.conf`, `~/.asoundrc`, and `ALSA_CONFIG_PATH` as alsa-lib reads it).
    public static let system = PCMDriver(
        open: { name, stream throws(ALSAError) in
            try SystemPCM.open(name: name, stream: stream)
        },
        setHardwareParameters: SystemPCM.setHardwareParameters,
        setSoftwareParameters: SystemPCM.setSoftwareParameters,
        readInterleaved: SystemPCM.readInterleaved,
        writeInterleaved: SystemPCM.writeInterleaved,
        prepare: SystemPCM.prepare,
        recover: SystemPCM.recover,
        resume: SystemPCM.resume,
        drain: SystemPCM.drain,
        drop: SystemPCM.drop,
        delay: SystemPCM.delay,
        available: SystemPCM.available,
        close: SystemPCM.close
    )

    /// The real alsa-lib, but PCM names are looked up in `configuration` only
    /// (`snd_pcm_open_lconf`), never in the global configuration alsa-lib caches per process.
    /// Tests use this to open `file`/`null` PCMs defined in a temporary configuration, in
    /// parallel, without touching `ALSA_CONFIG_PATH`.
    public static func system(configuration: ALSAConfiguration) -> PCMDriver {
        var driver = PCMDriver.system
        driver.open = { name, stream throws(ALSAError) in
            try SystemPCM.open(name: name, stream: stream, configuration: configuration)
        }
        return driver
    }
}
