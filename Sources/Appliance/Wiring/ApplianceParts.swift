import ALSA
import AVS
import AVSTransport
import Audio
import Logging
import Synchronization

/// The parts `hark run` is made of, built from the settings: device choice, Login with Amazon
/// (kept for the life of the process), and a factory for the AVS connection and the session on
/// top (built again whenever the session is rebuilt). The audio engines' blocking calls are
/// watched for the systemd watchdog.
public struct ApplianceParts: Sendable {
    public let settings: HarkSettings
    public let devices: DeviceSelection
    public let authorizer: LWAAuthorizer
    public let lwa: LWAClient
    public let tokenStore: TokenStore
    /// The capture and playback threads' blocking ALSA calls.
    public let captureWatch = BlockingCallWatch(name: "capture")
    public let playbackWatch = BlockingCallWatch(name: "playback")
    let clock: any Clock<Duration>

    /// Why the parts could not be built.
    public enum BuildError: Error, CustomStringConvertible {
        case stateDirectory(StateFileError)
        case transport(String)

        public var description: String {
            switch self {
            case .stateDirectory(let error): "the state directory is not usable: \(error)"
            case .transport(let text): "cannot set up the connection to AVS: \(text)"
            }
        }
    }

    public static func build(settings: HarkSettings, environment: [String: String], logger: Logger,
                             clock: any Clock<Duration> = ContinuousClock()) throws(BuildError) -> ApplianceParts {
        do {
            try AtomicFile.ensureDirectory(settings.state.directory)
        } catch {
            throw .stateDirectory(error)
        }
        let devices = DeviceSelector.select(capture: settings.audio.captureDevice, playback: settings.audio.playbackDevice,
                                            environment: environment)
        devices.log(to: logger)
        let lwa: LWAClient
        do {
            lwa = try LWAClient(configuration: lwaConfiguration(settings))
        } catch {
            throw .transport("\(error)")
        }
        let tokenStore = TokenStore(directory: settings.state.directory)
        let authorizer = LWAAuthorizer(client: lwa, store: tokenStore, clock: clock, logger: Logger(label: "hark.lwa"))
        return ApplianceParts(settings: settings, devices: devices, authorizer: authorizer, lwa: lwa, tokenStore: tokenStore, clock: clock)
    }

    /// A new AVS connection, a session over it and over new audio engines, and the services
    /// beside the dialog: alerts with their outbox, notifications, focus, and the AudioPlayer.
    /// Alerts and the outbox live in the state directory, so a rebuilt session picks up every
    /// alert and undelivered event.
    /// - Parameter observe: called (on the session's actor) for every `SessionNote`.
    public func makeSession(observe: @escaping @Sendable (SessionNote) -> Void) throws(BuildError) -> RunnableSession {
        // Content follows the speaker volume AVS sets; the player exists once the session does.
        let playerSlot = PlayerSlot()
        let (session, connection) = try makeDialogSession { note in
            if case .volume(let volume, let muted) = note { playerSlot.player?.setSpeaker(volume: volume, muted: muted) }
            observe(note)
        }
        let agents: AlertAgents
        do {
            agents = try AlertAgents.build(stateDirectory: settings.state.directory, playbackDevice: devices.playback.pcm,
                                           caFile: settings.avs.caFile, connection: connection, session: session, clock: clock)
        } catch {
            throw .stateDirectory(error)
        }
        let speakerStore = SpeakerStore(directory: settings.state.directory)
        let speaker = ((try? speakerStore.load()) ?? nil) ?? SpeakerSettings(volume: settings.audio.initialVolume, muted: false)
        let player = PlayerService.attach(
            to: session, focus: agents.focus,
            configuration: .init(caFile: settings.avs.caFile, stallTimeout: .seconds(settings.player.stallTimeoutSeconds),
                                 duckPercent: settings.player.duckPercent),
            playback: PlaybackEngine(device: settings.player.device ?? devices.playback.pcm, logger: Logger(label: "hark.player.pcm")),
            speaker: speaker, clock: clock, logger: Logger(label: "hark.player"))
        playerSlot.player = player
        return RunnableSession(session: session, companions: [{ await agents.run() }, { await player.run() }])
    }

    private func makeDialogSession(observe: @escaping @Sendable (SessionNote) -> Void) throws(BuildError)
        -> (SessionService, CurlAVSConnection) {
        let mirror = ContextMirror()
        let connection: CurlAVSConnection
        do {
            connection = try CurlAVSConnection(
                configuration: .init(endpoint: settings.avs.endpoint, caFile: settings.avs.caFile,
                                     stateDirectory: settings.state.directory),
                tokens: authorizer, context: { mirror.context }, logger: Logger(label: "hark.transport"), clock: clock)
        } catch {
            throw .transport("\(error)")
        }
        let micFormat: MicrophoneFormat = settings.audio.micFormat == .opus ? .opus : .l16
        let dialog = DialogSession.Settings(
            recognizer: .init(format: micFormat == .opus ? .opus : .l16,
                              captureLimit: .milliseconds(settings.session.captureLimitMilliseconds)),
            speaker: SpeakerSettings(volume: settings.audio.initialVolume, muted: false))
        let capture = CaptureEngine(device: devices.capture.pcm, logger: Logger(label: "hark.capture"),
                                    driver: PCMDriver.system.watched(by: captureWatch))
        let playback = PlaybackEngine(device: devices.playback.pcm, logger: Logger(label: "hark.playback"),
                                      driver: PCMDriver.system.watched(by: playbackWatch))
        let session = SessionService(
            settings: dialog, micFormat: micFormat,
            services: .init(connection: connection, capture: capture, playback: playback,
                            speakerStore: SpeakerStore(directory: settings.state.directory), clock: clock),
            contextMirror: mirror, logger: Logger(label: "hark.session"), observe: observe)
        return (session, connection)
    }

    /// Ends Login with Amazon's requests and waits for its curl thread to exit, so none runs
    /// when the process exits (the sessions' connections end with their sessions).
    public func shutdown() {
        lwa.shutdown()
    }

    /// Login with Amazon as configured (`auth.*`, and `avs.ca_file` for its TLS too).
    public static func lwaConfiguration(_ settings: HarkSettings) -> LWAConfiguration {
        LWAConfiguration(baseURL: settings.auth.lwaURL, clientID: settings.auth.clientID,
                         clientSecret: settings.auth.clientSecret, productID: settings.auth.productID,
                         deviceSerialNumber: settings.auth.deviceSerial, caFile: settings.avs.caFile)
    }
}

/// The player, set once it is built, for the session's volume notes. Weak: the session's
/// observer holds the slot and the player holds the session, so a strong reference here would
/// keep both alive after the session ends (the runnable's companions own the player).
private final class PlayerSlot: Sendable {
    private struct Reference: Sendable {
        weak var player: PlayerService?
    }
    private let reference = Mutex(Reference())

    var player: PlayerService? {
        get { reference.withLock { $0.player } }
        set { reference.withLock { $0.player = newValue } }
    }
}
