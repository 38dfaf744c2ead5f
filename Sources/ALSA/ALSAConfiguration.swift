import CALSA

#if canImport(Glibc)
import Glibc
#endif

/// An ALSA configuration given as text, used instead of the global one.
///
/// alsa-lib loads its global configuration once per process and caches it (`snd_config`), so a
/// test cannot point one PCM open at a temporary `asound.conf` through `ALSA_CONFIG_PATH`
/// without racing every other test. This value is parsed anew (`snd_config_top`,
/// `snd_config_load`) for each use and handed to `snd_pcm_open_lconf`, then deleted: alsa-lib
/// itself frees its global tree while PCMs opened from it stay open, so an open PCM keeps no
/// pointer into it. Only what the text defines exists: no `pcm.default`, no `pcm.null` unless
/// written out (plugins built into alsa-lib, such as `file`, `null` and `plug`, need no
/// `pcm_type` entry).
public struct ALSAConfiguration: Sendable, Hashable {
    /// The configuration text, in `asound.conf` syntax.
    public let text: String

    /// Parses `text` once to report syntax errors now rather than at the first open.
    public init(_ text: String) throws(ALSAError) {
        self.text = text
        try withConfig { _ throws(ALSAError) in }
    }

    /// Calls `body` with a freshly loaded `snd_config_t *` for this text, deleted afterwards.
    func withConfig<R>(_ body: (OpaquePointer) throws(ALSAError) -> R) throws(ALSAError) -> R {
        ErrorOutput.silence()
        var top: OpaquePointer?
        _ = try ALSAError.check(snd_config_top(&top))
        guard let config = top else { throw ALSAError(code: -ENOMEM) }
        defer { snd_config_delete(config) }
        var input: OpaquePointer?
        let utf8 = Array(text.utf8)
        let opened = utf8.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                snd_input_buffer_open(&input, chars.baseAddress, chars.count)
            }
        }
        _ = try ALSAError.check(opened)
        let loaded = snd_config_load(config, input)
        snd_input_close(input)
        _ = try ALSAError.check(loaded)
        return try body(config)
    }
}
