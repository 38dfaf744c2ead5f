import AVS
import AVSTransport
import Audio
import Curl
import Logging

/// The services beside the dialog that `hark run` starts with the session: alerts (with their
/// outbox), notifications and the shared focus. Built from the settings; `run` runs them all.
public struct AlertAgents: Sendable {
    public let focus: FocusArbiter
    public let outbox: OutboxSender
    public let alerts: AlertsService
    public let notifications: NotificationsService

    /// - Parameters:
    ///   - playbackDevice: the PCM the alerts open a stream of their own on.
    static func build(stateDirectory: String, playbackDevice: String, caFile: String?, connection: any AVSConnection,
                      session: SessionService, clock: any Clock<Duration>) throws(StateFileError) -> AlertAgents {
        let focus = FocusArbiter()
        focus.follow(session.bridge)
        let outbox = OutboxSender(outbox: try EventOutbox(directory: stateDirectory + "/outbox"),
                                  send: { await connection.send($0, mustDeliver: true) }, clock: clock,
                                  logger: Logger(label: "hark.outbox"))
        session.bridge.onConnectionChange { if $0 { outbox.nudge() } }
        let fetcher = (try? CurlHTTPClient(configuration: .init(caFile: caFile))).map(AssetFetcher.init)
        let playback = PlaybackEngine(device: playbackDevice, logger: Logger(label: "hark.alerts.playback"))
        let alerts = AlertsService(
            services: .init(playback: playback, store: AlertStore(directory: stateDirectory), outbox: outbox, focus: focus,
                            context: session.contextMirror, fetcher: fetcher, clock: clock),
            logger: Logger(label: "hark.alerts"))
        alerts.attach(to: session.bridge)
        let notifications = NotificationsService(store: IndicatorStore(directory: stateDirectory), context: session.contextMirror,
                                                 chime: playback, outbox: outbox, logger: Logger(label: "hark.notifications"))
        notifications.attach(to: session.bridge)
        return AlertAgents(focus: focus, outbox: outbox, alerts: alerts, notifications: notifications)
    }

    /// Runs the outbox and the alerts until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            group.addTask { await alerts.run() }
        }
    }
}

extension ApplianceParts {
    /// The session and the agents beside it, until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await session.run() }
            group.addTask { await agents.run() }
            // When the session ends (cancelled, or its inbox closed), the rest ends with it.
            await group.next()
            group.cancelAll()
        }
    }
}
