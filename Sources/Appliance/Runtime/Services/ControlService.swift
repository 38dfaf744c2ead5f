/// The control socket as a service: bound at start, closed and removed at shutdown. A bind
/// failure is thrown to the supervisor, which retries with backoff (the directory may appear
/// later, another hark may go away).
public struct ControlService: ApplianceService {
    public let name = "control socket"
    let server: ControlServer

    public init(server: ControlServer) {
        self.server = server
    }

    public func run(_ context: ServiceContext) async throws {
        do {
            try server.start()
        } catch .pathTooLong(let path) {
            // No retry makes a path shorter: the configuration must change.
            throw FatalError(ControlSocketError.pathTooLong(path).description)
        }
        context.ready()
        await context.shutdown.wait()
        server.stop()
    }
}

/// systemd's watchdog and `STATUS=` as a service.
public struct SystemdService: ApplianceService {
    public let name = "systemd notify"
    let notifier: SystemdNotifier
    let hub: StatusHub
    let watchdog: WatchdogService?

    public init(notifier: SystemdNotifier, hub: StatusHub, watchdog: WatchdogService?) {
        self.notifier = notifier
        self.hub = hub
        self.watchdog = watchdog
    }

    public func run(_ context: ServiceContext) async throws {
        let notifier = self.notifier
        let subscription = hub.subscribe { event in
            if case .status(let status) = event { notifier.status(status) }
        }
        defer { subscription.cancel() }
        context.ready()
        guard let watchdog else {
            await context.shutdown.wait()
            return
        }
        let pings = Task { await watchdog.run() }
        await context.shutdown.wait()
        pings.cancel()
        await pings.value
    }
}
