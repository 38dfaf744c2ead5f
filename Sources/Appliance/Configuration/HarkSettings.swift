/// The effective configuration of one `hark` process: the TOML file, then `HARK_<SECTION>_<KEY>`
/// environment overrides, validated. Frozen once loaded: only the loader sets fields.
public struct HarkSettings: Sendable, Hashable {
    public internal(set) var avs = AVSSettings()
    public internal(set) var auth = AuthSettings()
    public internal(set) var state = StateSettings()
    public internal(set) var audio = AudioSettings()
    public internal(set) var session = SessionSettings()
    public internal(set) var player = PlayerSettings()
    public internal(set) var log = LogSettings()
    public internal(set) var gpio = GPIOSettings()
    public internal(set) var feedback = FeedbackSettings()
    public internal(set) var control = ControlSettings()

    /// Defaults everywhere; the auth identifiers are empty (the loader insists on them).
    public init() {}
}

/// `[avs]`: where the Alexa Voice Service is.
public struct AVSSettings: Sendable, Hashable {
    /// `avs.endpoint`: the AVS gateway, an `https://` URL without a path. Replaced at run time
    /// by a persisted `SetGateway`/`SetEndpoint` (in the state directory).
    public internal(set) var endpoint = "https://alexa.na.gateway.devices.a2z.com"
    /// `avs.ca_file`: PEM file of CA certificates to verify the gateway with (a path); nil:
    /// the system's trust store. Verification is never turned off.
    public internal(set) var caFile: String?
}

/// `[auth]`: Login with Amazon and the device's identity from its AVS security profile.
public struct AuthSettings: Sendable, Hashable {
    /// `auth.lwa_url`: Login with Amazon's OAuth base (an `https://` URL; `create/codepair` and
    /// `token` are under it).
    public internal(set) var lwaURL = "https://api.amazon.com/auth/O2"
    /// `auth.client_id`: the security profile's client id (text, required).
    public internal(set) var clientID = ""
    /// `auth.client_secret`: only for profiles linked through a companion site (text, secret).
    public internal(set) var clientSecret: String?
    /// `auth.product_id`: the AVS product id (text, required).
    public internal(set) var productID = ""
    /// `auth.device_serial`: this device's serial number (text, required).
    public internal(set) var deviceSerial = ""
}

/// `[state]`: what survives a restart.
public struct StateSettings: Sendable, Hashable {
    /// `state.dir`: directory for the refresh token, speaker settings and gateway (a path,
    /// created mode 0700 when missing).
    public internal(set) var directory = "/var/lib/hark"
}

/// `[audio]`: devices and the microphone encoding.
public struct AudioSettings: Sendable, Hashable {
    /// `audio.capture_device`: ALSA PCM name for the microphone; nil: automatic choice
    /// (shipped dsnoop, PulseAudio, `default`).
    public internal(set) var captureDevice: String?
    /// `audio.playback_device`: ALSA PCM name for the speaker; nil: automatic choice.
    public internal(set) var playbackDevice: String?
    /// `audio.mic_format`: how the microphone goes to AVS, `opus` (32 kbit/s) or `l16`
    /// (256 kbit/s).
    public internal(set) var micFormat = MicFormatSetting.opus
    /// `audio.initial_volume`: speaker volume before AVS ever set one, 0...100 (percent).
    public internal(set) var initialVolume = 50
}

/// `audio.mic_format` values.
public enum MicFormatSetting: String, Sendable, Hashable, CaseIterable {
    case opus, l16
}

/// `[session]`: how turns start and end.
public struct SessionSettings: Sendable, Hashable {
    /// `session.trigger`: what starts a turn: `keyboard` (Enter taps, `h` holds), `none`
    /// (only ExpectSpeech from AVS), or `auto` (keyboard when stdin is a terminal).
    public internal(set) var trigger = TriggerSetting.auto
    /// `session.capture_limit_ms`: the longest tap-to-talk capture when AVS never sends
    /// StopCapture, in milliseconds (1000...60000).
    public internal(set) var captureLimitMilliseconds = 10_000
    /// `session.rebuild_after_s`: a session not connected this long while the network is up
    /// is torn down and rebuilt, in seconds (1...86400).
    public internal(set) var rebuildAfterSeconds = 600
}

/// `session.trigger` values.
public enum TriggerSetting: String, Sendable, Hashable, CaseIterable {
    case auto, keyboard, none
}

/// `[player]`: AudioPlayer streams (music, radio, podcasts).
public struct PlayerSettings: Sendable, Hashable {
    /// `player.device`: the ALSA PCM music plays on; unset: the speech device (a second
    /// stream on it, mixed by dmix or the sound server).
    public internal(set) var device: String?
    /// `player.stall_timeout_s`: a stream that delivers no byte for this long fails and the
    /// next one plays, in seconds (2...120).
    public internal(set) var stallTimeoutSeconds = 10
    /// `player.duck_percent`: music volume while Alexa listens or speaks, as a percentage of
    /// the speaker volume (0...100).
    public internal(set) var duckPercent = 40
}

/// `[log]`.
public struct LogSettings: Sendable, Hashable {
    /// `log.level`: the least severe level logged: trace, debug, info, notice, warning, error
    /// or critical.
    public internal(set) var level = "info"

    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

/// `[gpio]`: the push button and the status light (libgpiod).
public struct GPIOSettings: Sendable, Hashable {
    /// `gpio.chip`: the gpiochip (`gpiochip0`, a path, a label or a number); nil: no button
    /// and no light.
    public internal(set) var chip: String?
    /// `gpio.button_line`: the button's line offset on the chip; nil: no button.
    public internal(set) var buttonLine: Int?
    /// `gpio.active_low`: the button connects the line to ground (pressed = low).
    public internal(set) var activeLow = true
    /// `gpio.bias`: `pull-up`, `pull-down`, `disabled` or `as-is`.
    public internal(set) var bias = GPIOBiasSetting.pullUp
    /// `gpio.led_line`: the status light's line offset; nil: no light.
    public internal(set) var ledLine: Int?
    /// `gpio.led_active_low`: the light is on when the line is low.
    public internal(set) var ledActiveLow = false
    /// `gpio.debounce_ms`: how long the button's level must hold to count (1...500).
    public internal(set) var debounceMilliseconds = 30
    /// `gpio.hold_ms`: held this long, a press is hold-to-talk (100...5000).
    public internal(set) var holdMilliseconds = 600
    /// `gpio.long_press_ms`: held this long, a press stops all audio (2000...60000).
    public internal(set) var longPressMilliseconds = 10_000
}

/// `gpio.bias` values.
public enum GPIOBiasSetting: String, Sendable, Hashable, CaseIterable {
    case pullUp = "pull-up", pullDown = "pull-down", disabled, asIs = "as-is"
}

/// `[feedback]`: sounds the appliance makes by itself.
public struct FeedbackSettings: Sendable, Hashable {
    /// `feedback.earcons`: short tones when the microphone opens and closes.
    public internal(set) var earcons = true
}

/// `[control]`: the local control socket.
public struct ControlSettings: Sendable, Hashable {
    /// `control.socket`: path of the control socket (mode 0660; its directory is created).
    public internal(set) var socket = "/run/hark/control.sock"
}
