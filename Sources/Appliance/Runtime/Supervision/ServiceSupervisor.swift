import Synchronization
import Logging

/// Runs the appliance's services: starts them in dependency order (each after the previous
/// said `ready()`), restarts one that fails with backoff (one log line per failure, with its
/// cause), and on `shutdown` stops them in reverse order, gracefully first, by cancellation
/// after `gracePeriod`. A `FatalError` from any service stops everything and is rethrown.
public struct ServiceSupervisor: Sendable {
    public let services: [any ApplianceService]
    public let logger: Logger
    public let clock: any Clock<Duration>
    public let backoff: RestartBackoff
    public let gracePeriod: Duration
    /// How long a service may take to say `ready()` before the next starts anyway.
    public let readyTimeout: Duration
    /// Told about each failure (the status fan-out shows it as an `error` event).
    public let onFailure: @Sendable (_ service: String, _ error: String) -> Void

    public init(services: [any ApplianceService], logger: Logger, clock: any Clock<Duration> = ContinuousClock(),
                backoff: RestartBackoff = RestartBackoff(), gracePeriod: Duration = .seconds(5),
                readyTimeout: Duration = .seconds(10),
                onFailure: @escaping @Sendable (String, String) -> Void = { _, _ in }) {
        self.services = services
        self.logger = logger
        self.clock = clock
        self.backoff = backoff
        self.gracePeriod = gracePeriod
        self.readyTimeout = readyTimeout
        self.onFailure = onFailure
    }

    /// Runs until `shutdown` is triggered and every service stopped. `onReady` is called once
    /// every service has started.
    public func run(shutdown: ShutdownSignal, onReady: @escaping @Sendable () -> Void = {}) async throws(FatalError) {
        let fatal = FatalBox()
        let stops = services.map { _ in ShutdownSignal() }
        await withTaskGroup(of: Void.self) { group in
            var tasks: [Task<Void, Never>] = []
            for (index, service) in services.enumerated() {
                let ready = ShutdownSignal()
                let task = Task { await keepRunning(service, stop: stops[index], ready: ready, fatal: fatal, shutdown: shutdown) }
                tasks.append(task)
                if !(await ready.wait(upTo: readyTimeout, clock: clock)) && !shutdown.isTriggered {
                    logger.warning("\(service.name) is not ready after \(readyTimeout); starting the rest anyway")
                }
                if shutdown.isTriggered { break }
            }
            if !shutdown.isTriggered { onReady() }
            await shutdown.wait()
            // Reverse order: the session stops before the control socket that drives it.
            for (index, task) in tasks.enumerated().reversed() {
                stops[index].trigger()
                let finished = await LivenessProbe.answers(within: gracePeriod, clock: clock) {
                    await task.value
                    return true
                }
                if !finished {
                    logger.warning("\(services[index].name) did not stop within \(gracePeriod); cancelling it")
                    task.cancel()
                    await task.value
                }
            }
            _ = group
        }
        if let error = fatal.error { throw error }
    }

    /// Runs one service, restarting it with backoff, until its stop signal.
    private func keepRunning(_ service: any ApplianceService, stop: ShutdownSignal, ready: ShutdownSignal,
                             fatal: FatalBox, shutdown: ShutdownSignal) async {
        var backoff = self.backoff
        while !stop.isTriggered && !Task.isCancelled {
            let started = ContinuousClock.now
            let failure: String
            do {
                try await service.run(ServiceContext(shutdown: stop, readySignal: ready))
                if stop.isTriggered { return }
                failure = "it stopped by itself"
            } catch let error as FatalError {
                logger.critical("\(service.name) failed for good: \(error.reason)")
                fatal.set(error)
                ready.trigger()
                shutdown.trigger()
                return
            } catch {
                if stop.isTriggered || Task.isCancelled { return }
                failure = "\(error)"
            }
            let delay = backoff.failed(afterRunning: ContinuousClock.now - started)
            logger.error("\(service.name) failed: \(failure); restarting in \(delay)")
            onFailure(service.name, failure)
            // Let the next service start even when this one keeps failing.
            ready.trigger()
            if await stop.wait(upTo: delay, clock: clock) { return }
        }
    }
}

/// The first fatal error any service raised.
private final class FatalBox: Sendable {
    private let value = Mutex<FatalError?>(nil)
    func set(_ error: FatalError) { value.withLock { if $0 == nil { $0 = error } } }
    var error: FatalError? { value.withLock { $0 } }
}
