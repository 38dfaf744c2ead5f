import CALSA

#if canImport(Glibc)
import Glibc
#endif

/// The `PCMDriver.system` functions: each one is a single alsa-lib call (or, for parameters,
/// the fixed sequence of calls that make up one setup step) that turns a negative return code
/// into a thrown `ALSAError`.
enum SystemPCM {
    /// `snd_pcm_open` in blocking mode, or `snd_pcm_open_lconf` when a local configuration is given.
    static func open(name: String, stream: PCMStream, configuration: ALSAConfiguration? = nil) throws(ALSAError) -> PCMHandle {
        ErrorOutput.silence()
        var pcm: OpaquePointer?
        if let configuration {
            try configuration.withConfig { config throws(ALSAError) in
                _ = try ALSAError.check(snd_pcm_open_lconf(&pcm, name, stream.rawValue, 0, config))
            }
        } else {
            _ = try ALSAError.check(snd_pcm_open(&pcm, name, stream.rawValue, 0))
        }
        guard let pcm else { throw ALSAError.noEntry }
        return PCMHandle(pcm)
    }

    static func setHardwareParameters(_ handle: PCMHandle, _ wanted: PCMHardwareParameters) throws(ALSAError) -> PCMHardwareParameters {
        let pcm = handle.pointer
        var allocated: OpaquePointer?
        _ = try ALSAError.check(snd_pcm_hw_params_malloc(&allocated))
        guard let params = allocated else { throw ALSAError(code: -ENOMEM) }
        defer { snd_pcm_hw_params_free(params) }

        _ = try ALSAError.check(snd_pcm_hw_params_any(pcm, params))
        _ = try ALSAError.check(snd_pcm_hw_params_set_rate_resample(pcm, params, wanted.allowResample ? 1 : 0))
        _ = try ALSAError.check(snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED))
        _ = try ALSAError.check(snd_pcm_hw_params_set_format(pcm, params, SND_PCM_FORMAT_S16_LE))
        _ = try ALSAError.check(snd_pcm_hw_params_set_channels(pcm, params, UInt32(wanted.channels)))
        var rate = UInt32(wanted.sampleRate)
        var direction: Int32 = 0
        _ = try ALSAError.check(snd_pcm_hw_params_set_rate_near(pcm, params, &rate, &direction))
        // The buffer first, then the period within it: a small period with a buffer of a few
        // periods is what keeps latency low on dmix/dsnoop and on a Pi.
        var buffer = snd_pcm_uframes_t(wanted.bufferFrames)
        _ = try ALSAError.check(snd_pcm_hw_params_set_buffer_size_near(pcm, params, &buffer))
        var period = snd_pcm_uframes_t(wanted.periodFrames)
        direction = 0
        _ = try ALSAError.check(snd_pcm_hw_params_set_period_size_near(pcm, params, &period, &direction))
        _ = try ALSAError.check(snd_pcm_hw_params(pcm, params))

        var chosen = wanted
        var value: UInt32 = 0
        direction = 0
        if snd_pcm_hw_params_get_rate(params, &value, &direction) >= 0 { chosen.sampleRate = Int(value) }
        if snd_pcm_hw_params_get_channels(params, &value) >= 0 { chosen.channels = Int(value) }
        var frames: snd_pcm_uframes_t = 0
        direction = 0
        if snd_pcm_hw_params_get_period_size(params, &frames, &direction) >= 0 { chosen.periodFrames = Int(frames) }
        if snd_pcm_hw_params_get_buffer_size(params, &frames) >= 0 { chosen.bufferFrames = Int(frames) }
        return chosen
    }

    static func setSoftwareParameters(_ handle: PCMHandle, _ wanted: PCMSoftwareParameters) throws(ALSAError) {
        let pcm = handle.pointer
        var allocated: OpaquePointer?
        _ = try ALSAError.check(snd_pcm_sw_params_malloc(&allocated))
        guard let params = allocated else { throw ALSAError(code: -ENOMEM) }
        defer { snd_pcm_sw_params_free(params) }
        _ = try ALSAError.check(snd_pcm_sw_params_current(pcm, params))
        _ = try ALSAError.check(snd_pcm_sw_params_set_start_threshold(pcm, params, snd_pcm_uframes_t(wanted.startThreshold)))
        _ = try ALSAError.check(snd_pcm_sw_params_set_avail_min(pcm, params, snd_pcm_uframes_t(wanted.availableMinimum)))
        _ = try ALSAError.check(snd_pcm_sw_params(pcm, params))
    }

    static func readInterleaved(_ handle: PCMHandle, _ buffer: UnsafeMutableRawPointer, _ frames: Int) throws(ALSAError) -> Int {
        Int(try ALSAError.check(snd_pcm_readi(handle.pointer, buffer, snd_pcm_uframes_t(frames))))
    }

    static func writeInterleaved(_ handle: PCMHandle, _ buffer: UnsafeRawPointer, _ frames: Int) throws(ALSAError) -> Int {
        Int(try ALSAError.check(snd_pcm_writei(handle.pointer, buffer, snd_pcm_uframes_t(frames))))
    }

    static func prepare(_ handle: PCMHandle) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_prepare(handle.pointer))
    }

    static func recover(_ handle: PCMHandle, _ error: ALSAError) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_recover(handle.pointer, error.code, 1))
    }

    static func resume(_ handle: PCMHandle) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_resume(handle.pointer))
    }

    static func drain(_ handle: PCMHandle) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_drain(handle.pointer))
    }

    static func drop(_ handle: PCMHandle) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_drop(handle.pointer))
    }

    static func delay(_ handle: PCMHandle) throws(ALSAError) -> Int {
        var frames: snd_pcm_sframes_t = 0
        _ = try ALSAError.check(snd_pcm_delay(handle.pointer, &frames))
        return Int(frames)
    }

    static func available(_ handle: PCMHandle) throws(ALSAError) -> Int {
        Int(try ALSAError.check(snd_pcm_avail(handle.pointer)))
    }

    static func close(_ handle: PCMHandle) throws(ALSAError) {
        _ = try ALSAError.check(snd_pcm_close(handle.pointer))
    }
}
