import ALSA

#if canImport(Glibc)
import Glibc
#endif

/// The PCM Hark uses for one direction, and why (logged at start, shown by `hark audio devices`).
public struct DeviceChoice: Sendable, Hashable, CustomStringConvertible {
    /// The ALSA PCM name to open.
    public var pcm: String
    /// One sentence for the user saying why this PCM was chosen.
    public var reason: String

    public init(pcm: String, reason: String) {
        self.pcm = pcm
        self.reason = reason
    }

    public var description: String { "\(pcm) (\(reason))" }
}

/// The PCMs for both directions.
public struct DeviceSelection: Sendable, Hashable {
    public var capture: DeviceChoice
    public var playback: DeviceChoice

    public init(capture: DeviceChoice, playback: DeviceChoice) {
        self.capture = capture
        self.playback = playback
    }
}

/// What device selection asks of the system, injectable so the rules are tested without ALSA
/// configuration files or sockets.
public struct DeviceProbes: Sendable {
    /// Whether a PCM name is defined in the ALSA configuration.
    public var isPCMDefined: @Sendable (String) -> Bool
    /// Whether a PulseAudio server accepts a connection at an address.
    public var serverAnswers: @Sendable (PulseServerAddress) -> Bool
    /// The user id, for `/run/user/<uid>/pulse/native`.
    public var userID: @Sendable () -> UInt32

    public init(isPCMDefined: @escaping @Sendable (String) -> Bool,
                serverAnswers: @escaping @Sendable (PulseServerAddress) -> Bool,
                userID: @escaping @Sendable () -> UInt32) {
        self.isPCMDefined = isPCMDefined
        self.serverAnswers = serverAnswers
        self.userID = userID
    }

    /// alsa-lib's global configuration (`snd_config_search_definition`), real `connect()`s,
    /// and `getuid()`.
    public static let system = DeviceProbes(
        isPCMDefined: { PCMDefinitions.isDefined($0) },
        serverAnswers: { $0.answers() },
        userID: { getuid() })
}

/// Chooses the capture and playback PCMs.
///
/// For each direction, in order:
/// 1. the PCM name configured by the user;
/// 2. the ALSA `pulse` PCM when `PULSE_SERVER` is set and a server answers there: the user
///    asked for it, and it is how a container shares a desktop's card;
/// 3. the shipped `hark_capture` / `hark_playback` (dsnoop/dmix) when the ALSA configuration
///    defines them;
/// 4. the ALSA `pulse` PCM when a server answers at `$XDG_RUNTIME_DIR/pulse/native` or
///    `/run/user/<uid>/pulse/native` (only when `PULSE_SERVER` is unset: libpulse would not
///    look there otherwise);
/// 5. `default`.
/// A reachable server is not chosen when the `pulse` PCM itself is undefined (the
/// libasound2-plugins package is missing); the reason then says so.
public enum DeviceSelector {
    /// The shipped dsnoop capture PCM (asound.conf.d).
    public static let shippedCapture = "hark_capture"
    /// The shipped dmix playback PCM (asound.conf.d).
    public static let shippedPlayback = "hark_playback"

    /// Chooses with the real system probes.
    public static func select(capture: String?, playback: String?, environment: [String: String]) -> DeviceSelection {
        select(capture: capture, playback: playback, environment: environment, probes: .system)
    }

    /// Chooses with the given probes. Each probe is asked at most once per call.
    public static func select(capture: String?, playback: String?, environment: [String: String], probes: DeviceProbes) -> DeviceSelection {
        let pulse = PulseFinding(environment: environment, probes: probes)
        return DeviceSelection(
            capture: choose(configured: capture, shipped: shippedCapture, kind: "dsnoop capture", pulse: pulse, probes: probes),
            playback: choose(configured: playback, shipped: shippedPlayback, kind: "dmix playback", pulse: pulse, probes: probes))
    }

    private static func choose(configured: String?, shipped: String, kind: String, pulse: PulseFinding, probes: DeviceProbes) -> DeviceChoice {
        if let configured = configured?.trimmingSpaces, !configured.isEmpty {
            return DeviceChoice(pcm: configured, reason: "configured in the settings")
        }
        var notes: [String] = []
        if let explicit = pulse.explicit {
            if let address = pulse.explicitAnswering {
                if pulse.pcmDefined {
                    return DeviceChoice(pcm: "pulse", reason:
                        "PULSE_SERVER=\(explicit) is set and a PulseAudio server answers at \(address); "
                        + "a server the user names wins over the shipped \(shipped)")
                }
                notes.append("PULSE_SERVER=\(explicit) answers, but the ALSA 'pulse' PCM is not defined "
                             + "(install libasound2-plugins)")
            } else {
                notes.append("PULSE_SERVER=\(explicit) is set but no server answers there")
            }
        }
        if probes.isPCMDefined(shipped) {
            return DeviceChoice(pcm: shipped, reason: joined("the shipped \(kind) PCM \(shipped) is defined in the ALSA configuration", notes))
        }
        if let socket = pulse.socketAnswering {
            if pulse.pcmDefined {
                return DeviceChoice(pcm: "pulse", reason: joined(
                    "\(shipped) is not defined and a PulseAudio server answers at \(socket)", notes))
            }
            notes.append("a PulseAudio server answers at \(socket), but the ALSA 'pulse' PCM is not defined "
                         + "(install libasound2-plugins)")
        }
        return DeviceChoice(pcm: "default", reason: joined(
            "\(shipped) is not defined in the ALSA configuration and no PulseAudio server was found; "
            + "using ALSA's default PCM", notes))
    }

    private static func joined(_ reason: String, _ notes: [String]) -> String {
        notes.isEmpty ? reason : reason + " (" + notes.joined(separator: "; ") + ")"
    }
}

/// What is known about PulseAudio, probed lazily and at most once per selection.
private final class PulseFinding {
    /// The `PULSE_SERVER` value, when set and not blank.
    let explicit: String?
    private let environment: [String: String]
    private let probes: DeviceProbes

    init(environment: [String: String], probes: DeviceProbes) {
        let value = environment["PULSE_SERVER"]?.trimmingSpaces
        self.explicit = (value?.isEmpty ?? true) ? nil : value
        self.environment = environment
        self.probes = probes
    }

    /// The first `PULSE_SERVER` address that answers.
    lazy var explicitAnswering: PulseServerAddress? = {
        guard let explicit else { return nil }
        return PulseServerAddress.parse(explicit).first(where: probes.serverAnswers)
    }()

    /// The first default socket that answers, when `PULSE_SERVER` is not set.
    lazy var socketAnswering: PulseServerAddress? = {
        guard explicit == nil else { return nil }
        var candidates: [PulseServerAddress] = []
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            candidates.append(.unix(path: runtime + "/pulse/native"))
        }
        let perUser = PulseServerAddress.unix(path: "/run/user/\(probes.userID())/pulse/native")
        if !candidates.contains(perUser) { candidates.append(perUser) }
        return candidates.first(where: probes.serverAnswers)
    }()

    /// Whether the ALSA `pulse` PCM (from libasound2-plugins) is defined.
    lazy var pcmDefined: Bool = probes.isPCMDefined("pulse")
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
