/// The hardware parameters Hark sets on a PCM (`snd_pcm_hw_params_*`).
///
/// The sample format is always `SND_PCM_FORMAT_S16_LE` with `SND_PCM_ACCESS_RW_INTERLEAVED`
/// access: every stream in Hark is interleaved signed 16-bit little-endian.
public struct PCMHardwareParameters: Sendable, Hashable, CustomStringConvertible {
    /// Frames per second (Hz).
    public var sampleRate: Int
    /// Samples per frame.
    public var channels: Int
    /// Frames per period (the unit of a read or write), near which ALSA chooses.
    public var periodFrames: Int
    /// Frames in the whole ring buffer, near which ALSA chooses.
    public var bufferFrames: Int
    /// Whether alsa-lib may resample in software (`snd_pcm_hw_params_set_rate_resample`), so a
    /// `plug`, `default` or `pulse` PCM gives exactly the rate asked for.
    public var allowResample: Bool

    public init(sampleRate: Int, channels: Int, periodFrames: Int, bufferFrames: Int, allowResample: Bool = true) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
        self.allowResample = allowResample
    }

    public var description: String {
        "\(sampleRate) Hz, \(channels) ch, period \(periodFrames) frames, buffer \(bufferFrames) frames"
    }
}

/// The software parameters Hark sets on a PCM (`snd_pcm_sw_params_*`).
public struct PCMSoftwareParameters: Sendable, Hashable {
    /// Frames that must be queued (playback) or requested (capture) before the stream starts
    /// by itself (`snd_pcm_sw_params_set_start_threshold`).
    public var startThreshold: Int
    /// Frames that must be available before a blocking read or write wakes
    /// (`snd_pcm_sw_params_set_avail_min`).
    public var availableMinimum: Int

    public init(startThreshold: Int, availableMinimum: Int) {
        self.startThreshold = startThreshold
        self.availableMinimum = availableMinimum
    }
}
