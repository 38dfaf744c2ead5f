import AVSTransport
import Logging

/// Login with Amazon as a service: starts the authorizer, and while the device is unlinked
/// looks at the refresh-token file every `pollInterval`, so a `hark login` in another shell (or
/// a token copied in by an installer) links the running process without a restart.
public struct LinkService: ApplianceService {
    public let name = "authorization"
    let authorizer: LWAAuthorizer
    let tokenStore: TokenStore
    let hub: StatusHub
    let pollInterval: Duration
    let clock: any Clock<Duration>
    let logger: Logger

    public init(authorizer: LWAAuthorizer, tokenStore: TokenStore, hub: StatusHub, pollInterval: Duration = .seconds(2),
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.authorizer = authorizer
        self.tokenStore = tokenStore
        self.hub = hub
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    public func run(_ context: ServiceContext) async throws {
        let states = Task { [authorizer, hub, logger] in
            for await state in authorizer.states {
                hub.setLinked(state != .unlinked)
                if state == .unlinked {
                    logger.warning("not linked to an Amazon account: run 'hark login' (this process picks the new token up by itself)")
                }
            }
        }
        defer { states.cancel() }
        hub.setLinked(storedToken() != nil)
        await authorizer.start()
        context.ready()
        var lastSeen = TokenFileStamp.read(tokenStore.path)
        while !(await context.shutdown.wait(upTo: pollInterval, clock: clock)) {
            // A cheap stat(2) each time; the file is read only when it changed.
            let stamp = TokenFileStamp.read(tokenStore.path)
            guard stamp != lastSeen else { continue }
            lastSeen = stamp
            guard !hub.model.linked, storedToken() != nil else { continue }
            logger.notice("a refresh token appeared in \(tokenStore.path); linking")
            await authorizer.stop()
            await authorizer.start()
        }
        await authorizer.stop()
    }

    private func storedToken() -> RefreshToken? {
        do {
            return try tokenStore.load()
        } catch {
            logger.error("\(error)")
            return nil
        }
    }
}
