import CALSA

/// Questions about the PCM names the ALSA configuration defines.
public enum PCMDefinitions {
    /// Whether `name` (`hark_capture`, `pulse`, `hw:0,0`) is defined as a PCM in the global ALSA
    /// configuration: `snd_config_update_ref` then `snd_config_search_definition(top, "pcm",
    /// name)`. Nothing is opened, so a busy or absent device still counts as defined.
    public static func isDefined(_ name: String) -> Bool {
        ErrorOutput.silence()
        var top: OpaquePointer?
        guard snd_config_update_ref(&top) >= 0, let top else { return false }
        defer { snd_config_unref(top) }
        return search(name, in: top)
    }

    /// Whether `name` is defined as a PCM in `configuration` (`snd_config_search_definition`).
    public static func isDefined(_ name: String, in configuration: ALSAConfiguration) -> Bool {
        (try? configuration.withConfig { config throws(ALSAError) in search(name, in: config) }) ?? false
    }

    private static func search(_ name: String, in config: OpaquePointer) -> Bool {
        var found: OpaquePointer?
        guard snd_config_search_definition(config, "pcm", name, &found) >= 0, let found else { return false }
        // The result is an expanded copy that the caller owns.
        snd_config_delete(found)
        return true
    }
}
