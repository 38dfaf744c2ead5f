import AVS
import AVSTransport
import Audio
import Logging

/// The services `hark run` is made of, built from the settings: device choice, engines, Login
/// with Amazon, the AVS connection and the session on top.
public struct ApplianceParts: Sendable {
    public let devices: DeviceSelection
    public let authorizer: LWAAuthorizer
    public let tokenStore: TokenStore
    public let connection: CurlAVSConnection
    public let session: SessionService
    /// Alerts, notifications, focus and the event outbox.
    public let agents: AlertAgents

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
                             clock: any Clock<Duration> = ContinuousClock(),
                             observe: @escaping @Sendable (SessionNote) -> Void) throws(BuildError) -> ApplianceParts {
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
        let session = SessionService(
            settings: dialog, micFormat: micFormat,
            services: .init(connection: connection,
                            capture: CaptureEngine(device: devices.capture.pcm, logger: Logger(label: "hark.capture")),
                            playback: PlaybackEngine(device: devices.playback.pcm, logger: Logger(label: "hark.playback")),
                            speakerStore: SpeakerStore(directory: settings.state.directory), clock: clock),
            contextMirror: mirror, logger: Logger(label: "hark.session"), observe: observe)
        let agents: AlertAgents
        do {
            agents = try AlertAgents.build(stateDirectory: settings.state.directory, playbackDevice: devices.playback.pcm,
                                           caFile: settings.avs.caFile, connection: connection, session: session, clock: clock)
        } catch {
            throw .stateDirectory(error)
        }
        return ApplianceParts(devices: devices, authorizer: authorizer, tokenStore: tokenStore, connection: connection, session: session,
                              agents: agents)
    }

    /// Login with Amazon as configured (`auth.*`, and `avs.ca_file` for its TLS too).
    public static func lwaConfiguration(_ settings: HarkSettings) -> LWAConfiguration {
        LWAConfiguration(baseURL: settings.auth.lwaURL, clientID: settings.auth.clientID,
                         clientSecret: settings.auth.clientSecret, productID: settings.auth.productID,
                         deviceSerialNumber: settings.auth.deviceSerial, caFile: settings.avs.caFile)
    }
}
