import Logging
import Synchronization
import Testing
@testable import Appliance

/// The service group: dependency order, reverse stop, restart with backoff, fatal errors.
@Suite struct SupervisorTests {
    /// A service that records its life and fails its first `failures` runs.
    struct Recording: ApplianceService {
        let name: String
        let log: Recorded
        var failures = 0
        let runs = Counter()
        var fatal = false
        var ignoresShutdown = false

        init(_ name: String, log: Recorded, failures: Int = 0, fatal: Bool = false, ignoresShutdown: Bool = false) {
            self.name = name
            self.log = log
            self.failures = failures
            self.fatal = fatal
            self.ignoresShutdown = ignoresShutdown
        }

        struct Broken: Error, CustomStringConvertible { var description: String { "broken on purpose" } }

        func run(_ context: ServiceContext) async throws {
            let run = runs.increment()
            log.append("start \(name)")
            if fatal { throw FatalError("\(name) cannot work with this configuration") }
            if run <= failures {
                log.append("fail \(name)")
                throw Broken()
            }
            context.ready()
            if ignoresShutdown {
                // Only cancellation ends it.
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                log.append("cancelled \(name)")
                return
            }
            await context.shutdown.wait()
            log.append("stop \(name)")
        }
    }

    static func supervisor(_ services: [any ApplianceService], failures: Recorded? = nil) -> ServiceSupervisor {
        ServiceSupervisor(services: services, logger: Logger(label: "test.supervisor"),
                          backoff: RestartBackoff(initial: .milliseconds(20), maximum: .milliseconds(80)),
                          gracePeriod: .milliseconds(300),
                          onFailure: { service, error in failures?.append("\(service): \(error)") })
    }

    @Test func startsInOrderAndStopsInReverse() async throws {
        let log = Recorded()
        let shutdown = ShutdownSignal()
        let ready = Recorded()
        let running = Task {
            try await Self.supervisor([Recording("a", log: log), Recording("b", log: log), Recording("c", log: log)])
                .run(shutdown: shutdown, onReady: { ready.append("ready") })
        }
        while ready.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(log.all == ["start a", "start b", "start c"])
        shutdown.trigger()
        try await running.value
        #expect(log.all == ["start a", "start b", "start c", "stop c", "stop b", "stop a"])
    }

    @Test func aFailingServiceIsRestartedWithBackoffAndEachFailureReported() async throws {
        let log = Recorded()
        let failures = Recorded()
        let shutdown = ShutdownSignal()
        let flaky = Recording("flaky", log: log, failures: 3)
        let running = Task { try await Self.supervisor([flaky, Recording("after", log: log)], failures: failures).run(shutdown: shutdown) }
        while !log.all.contains("start after") || flaky.runs.value < 4 {
            try await Task.sleep(for: .milliseconds(10))
        }
        shutdown.trigger()
        try await running.value
        #expect(log.all.filter { $0 == "fail flaky" }.count == 3)
        #expect(failures.all == Array(repeating: "flaky: broken on purpose", count: 3))
        #expect(log.all.last == "stop flaky")
    }

    @Test func aFatalErrorStopsEverythingAndIsRethrown() async throws {
        let log = Recorded()
        let shutdown = ShutdownSignal()
        await #expect(throws: FatalError.self) {
            try await Self.supervisor([Recording("first", log: log), Recording("doomed", log: log, fatal: true)]).run(shutdown: shutdown)
        }
        #expect(log.all == ["start first", "start doomed", "stop first"])
    }

    @Test func aServiceThatIgnoresShutdownIsCancelledAfterTheGracePeriod() async throws {
        let log = Recorded()
        let shutdown = ShutdownSignal()
        let running = Task { try await Self.supervisor([Recording("stubborn", log: log, ignoresShutdown: true)]).run(shutdown: shutdown) }
        while log.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        shutdown.trigger()
        try await running.value
        #expect(log.all == ["start stubborn", "cancelled stubborn"])
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }
    var value: Int { count.load(ordering: .relaxed) }
}
