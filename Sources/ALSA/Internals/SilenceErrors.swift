import CALSA

/// alsa-lib prints its own diagnostics to stderr ("ALSA lib pcm.c:2666:(snd_pcm_open_noupdate)
/// Unknown PCM ..."). Hark reports every error itself, naming the device and the fix, so the
/// library's handler is replaced once per process, before the first call that could print.
enum ErrorOutput {
    /// Installed on first use; Swift runs a static initializer exactly once, thread-safely.
    static let silenced: Int32 = hark_alsa_silence_errors()

    static func silence() {
        _ = silenced
    }
}
