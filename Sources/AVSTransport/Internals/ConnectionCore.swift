import AVS
import Curl
import Logging

/// What reaches the connection's loop, in order: the caller's commands, transfer outcomes from
/// the curl thread, timer firings and finished token or context look-ups. `generation` names
/// the connection attempt an outcome belongs to; outcomes of an abandoned attempt are dropped.
enum CoreMessage: Sendable {
    case start
    case stop
    case machine(ConnectionStateMachine.Input, generation: Int?)
    case tokenReady(AccessToken, generation: Int)
    case synchronizeStateReady(Event, generation: Int)
    case submit(OutgoingRequest)
    case requestFinished(OutgoingRequest, RequestOutcome, errorBody: String, generation: Int)
    case expire(OutgoingRequest)
    case endpointChanged(String)
}

/// The connection's mutable state, confined to one task that reads `CoreMessage`s one at a
/// time: the state machine, the current attempt, the access token, timers and waiting events.
final class ConnectionCore {
    let http: CurlHTTPClient
    let tokens: any AccessTokenProvider
    let context: @Sendable () async -> [ContextEntry]
    let clock: any Clock<Duration>
    let logger: Logger
    let inbox: AsyncStream<CoreMessage>.Continuation
    let updates: AsyncStream<ConnectionUpdate>.Continuation
    let endpointStore: EndpointStore?

    var machine: ConnectionStateMachine
    var endpoint: String
    /// Incremented for every downchannel opened.
    var generation = 0
    var accessToken: AccessToken?
    var tokenTask: Task<Void, Never>?
    /// A pending `accessTokenRejected` call that the next token fetch waits for.
    var rejection: Task<Void, Never>?
    var timers: ClockTimers<ConnectionStateMachine.Timer>
    var pending: [OutgoingRequest] = []
    var inFlight: [ObjectIdentifier: OutgoingRequest] = [:]
    var downchannel: TransferID?
    var messageIDs = MessageIDSource()

    init(
        http: CurlHTTPClient, tokens: any AccessTokenProvider, context: @escaping @Sendable () async -> [ContextEntry],
        clock: any Clock<Duration>, logger: Logger, endpoint: String, endpointStore: EndpointStore?, jitter: Jitter,
        timings: ConnectionTimings,
        inbox: AsyncStream<CoreMessage>.Continuation, updates: AsyncStream<ConnectionUpdate>.Continuation
    ) {
        self.http = http
        self.tokens = tokens
        self.context = context
        self.clock = clock
        timers = ClockTimers(clock: clock)
        self.logger = logger
        self.endpoint = endpoint
        self.endpointStore = endpointStore
        self.inbox = inbox
        self.updates = updates
        machine = ConnectionStateMachine(jitter: jitter, timings: timings)
    }

    func run(_ messages: AsyncStream<CoreMessage>) async {
        for await message in messages { handle(message) }
        handle(.stop)
    }

    func handle(_ message: CoreMessage) {
        switch message {
        case .start:
            perform(machine.handle(.start))
        case .stop:
            perform(machine.handle(.stop))
            tokenTask?.cancel()
            for request in pending { request.outcome.complete(.cancelled) }
            pending.removeAll()
        case .machine(let input, let generation):
            guard generation == nil || generation == self.generation else { return }
            perform(machine.handle(input))
        case .tokenReady(let token, let generation):
            guard generation == self.generation, machine.connectionState == .connecting else { return }
            accessToken = token
            openDownchannel(generation: generation)
            perform(machine.handle(.downchannelRequested))
        case .synchronizeStateReady(let event, let generation):
            guard generation == self.generation, machine.connectionState == .connecting else { return }
            startRequest(OutgoingRequest(event: event, kind: .synchronizeState, mustDeliver: false))
        case .submit(let request):
            guard !request.outcome.isComplete else { return }
            if machine.isConnected, accessToken != nil {
                startRequest(request)
            } else {
                pending.append(request)
                if !request.mustDeliver { expireLater(request) }
            }
        case .requestFinished(let request, let outcome, let errorBody, let generation):
            finished(request, outcome, errorBody: errorBody, generation: generation)
        case .expire(let request):
            guard let index = pending.firstIndex(where: { $0 === request }) else { return }
            pending.remove(at: index)
            logger.notice("dropped an event that waited too long for a connection", metadata: ["messageId": "\(request.messageId)"])
            if request.outcome.complete(.expired) {
                updates.yield(.eventResult(messageId: request.messageId, .expired))
            }
        case .endpointChanged(let newEndpoint):
            changeEndpoint(to: newEndpoint)
        }
    }

    /// Carries out the state machine's actions.
    func perform(_ actions: [ConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .openDownchannel:
                generation += 1
                fetchTokenThenOpen(generation: generation)
            case .sendSynchronizeState:
                let generation = self.generation
                let id = messageIDs.makeID()
                let context = self.context
                let inbox = self.inbox
                Task {
                    let entries = await context()
                    let event = Event(
                        header: MessageHeader(namespace: "System", name: "SynchronizeState", messageId: id),
                        payload: .emptyObject, context: entries)
                    inbox.yield(.synchronizeStateReady(event, generation: generation))
                }
            case .sendPing:
                sendPing()
            case .closeConnection:
                downchannel = nil
                tokenTask?.cancel()
                http.closeConnections()
            case .invalidateAccessToken:
                if let token = accessToken {
                    let tokens = self.tokens
                    let previous = rejection
                    rejection = Task {
                        await previous?.value
                        await tokens.accessTokenRejected(token)
                    }
                }
                accessToken = nil
            case .flushPendingEvents:
                let waiting = pending
                pending.removeAll()
                for request in waiting where !request.outcome.isComplete { startRequest(request) }
            case .schedule(let timer, let delay):
                let inbox = self.inbox
                timers.schedule(timer, after: delay) { timer, _ in
                    inbox.yield(.machine(.timerFired(timer), generation: nil))
                }
            case .cancel(let timer):
                timers.cancel(timer)
            case .stateChanged(let state):
                log(state)
                updates.yield(.state(state))
            }
        }
    }

    private func fetchTokenThenOpen(generation: Int) {
        tokenTask?.cancel()
        let tokens = self.tokens
        let rejection = self.rejection
        let inbox = self.inbox
        tokenTask = Task {
            await rejection?.value
            guard let token = try? await tokens.accessToken() else { return }
            inbox.yield(.tokenReady(token, generation: generation))
        }
    }

    private func expireLater(_ request: OutgoingRequest) {
        let clock = self.clock
        let inbox = self.inbox
        let limit = machine.timings.pendingEventLimit
        Task {
            do { try await clock.sleep(for: limit) } catch {}
            inbox.yield(.expire(request))
        }
    }

    private func changeEndpoint(to newEndpoint: String) {
        guard EndpointStore.isAcceptable(newEndpoint) else {
            logger.warning("ignored an endpoint change to a URL that is not https://", metadata: ["endpoint": "\(newEndpoint)"])
            return
        }
        let normalized = newEndpoint.hasSuffix("/") ? String(newEndpoint.dropLast()) : newEndpoint
        guard normalized != endpoint else { return }
        logger.info("AVS moved this device", metadata: ["endpoint": "\(normalized)"])
        endpoint = normalized
        do {
            try endpointStore?.save(normalized)
        } catch {
            logger.error("could not persist the new AVS endpoint: \(error)")
        }
        perform(machine.handle(.endpointChanged))
    }

    private func log(_ state: ConnectionState) {
        switch state {
        case .waitingToReconnect(let failures, let delay):
            logger.notice("AVS connection lost; reconnecting", metadata: ["failures": "\(failures)", "retryIn": "\(delay)"])
        default:
            logger.info("AVS connection \(state)")
        }
    }
}
