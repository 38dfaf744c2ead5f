import Logging

/// The session as a service: builds a connection and session, runs it, and rebuilds both when
/// the `RebuildMachine` says so. A failure to build is thrown to the supervisor (restart with
/// backoff).
public struct SessionRunner: ApplianceService {
    public let name = "session"
    let slot: SessionSlot
    let hub: StatusHub
    let makeSession: @Sendable () throws -> RunnableSession
    let rebuildAfter: Duration
    let network: NetworkProbe
    let clock: any Clock<Duration>
    let logger: Logger

    public init(slot: SessionSlot, hub: StatusHub, rebuildAfter: Duration, network: NetworkProbe,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                makeSession: @escaping @Sendable () throws -> SessionService) {
        self.init(slot: slot, hub: hub, rebuildAfter: rebuildAfter, network: network, clock: clock, logger: logger,
                  makeRunnable: { RunnableSession(session: try makeSession()) })
    }

    /// A session with companions that are built, run and rebuilt with it.
    public init(slot: SessionSlot, hub: StatusHub, rebuildAfter: Duration, network: NetworkProbe,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                makeRunnable: @escaping @Sendable () throws -> RunnableSession) {
        self.slot = slot
        self.hub = hub
        self.makeSession = makeRunnable
        self.rebuildAfter = rebuildAfter
        self.network = network
        self.clock = clock
        self.logger = logger
    }

    private enum Message: Sendable {
        case input(RebuildMachine.Input)
        case shutdown
    }

    public func run(_ context: ServiceContext) async throws {
        let (messages, inbox) = AsyncStream.makeStream(of: Message.self)
        let subscription = hub.subscribe { [hub] event in
            guard case .status = event else { return }
            let model = hub.model
            inbox.yield(.input(.conditions(connected: model.connected, linked: model.linked)))
        }
        defer { subscription.cancel() }
        let shutdownWatch = Task {
            await context.shutdown.wait()
            inbox.yield(.shutdown)
        }
        defer { shutdownWatch.cancel() }
        var machine = RebuildMachine(rebuildAfter: rebuildAfter)
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        var running = try start()
        context.ready()
        let model = hub.model
        var pending: [RebuildMachine.Input] = [.conditions(connected: model.connected, linked: model.linked)]
        var iterator = messages.makeAsyncIterator()
        while true {
            if pending.isEmpty {
                switch await iterator.next() {
                case .input(let input)?: pending.append(input)
                case .shutdown?, nil:
                    timer?.cancel()
                    await stop(running)
                    return
                }
            }
            for action in machine.handle(pending.removeFirst()) {
                switch action {
                case .schedule(let delay):
                    timer?.cancel()
                    let (clock, network) = (self.clock, self.network)
                    timer = Task {
                        do { try await clock.sleep(for: delay) } catch { return }
                        inbox.yield(.input(.timerFired(networkUp: network.isUp())))
                    }
                case .cancelTimer:
                    timer?.cancel()
                    timer = nil
                case .rebuild:
                    // The timer fires while waiting; a new link arrives in any state and resets it.
                    let reason = machine.state == .fine
                        ? "linked; building the session anew"
                        : "not connected for \(rebuildAfter) with the network up; rebuilding the session"
                    logger.warning("\(reason)")
                    hub.report(reason)
                    let began = ContinuousClock.now
                    await stop(running)
                    running = try start()
                    logger.notice("session rebuilt in \(ContinuousClock.now - began)")
                }
            }
        }
    }

    private func start() throws -> (session: SessionService, task: Task<Void, Never>) {
        let runnable = try makeSession()
        slot.replace(with: runnable.session)
        return (runnable.session, Task { await runnable.run() })
    }

    /// Cancels the session's loop, which stops its connection, microphone and speaker.
    private func stop(_ running: (session: SessionService, task: Task<Void, Never>)) async {
        running.task.cancel()
        await running.task.value
        slot.replace(with: nil)
    }
}
