import AVS
import Curl
import Logging

/// The AVS API version in every path.
let apiPath = "/v20160207"

extension ConnectionCore {
    var sink: PartSink { PartSink(updates: updates, inbox: inbox, logger: logger) }

    /// `GET /v20160207/directives`: no progress timeout, it idles between directives.
    func openDownchannel(generation: Int) {
        guard let token = accessToken else { return }
        let request = HTTPRequest(
            method: .get, url: endpoint + apiPath + "/directives", headers: [token.authorizationHeader],
            noProgressTimeout: nil)
        let decoder = Locked(ResponseDecoder(requiresClosingBoundary: false))
        let sink = self.sink
        let inbox = self.inbox
        logger.debug("opening the downchannel", metadata: ["endpoint": "\(endpoint)"])
        let logger = self.logger
        downchannel = http.start(request) { event in
            sink.deliver(decoder.withLock { $0.consume(event) })
            // Without HTTP/2 nothing else could share the connection: refuse it as 505.
            if case .head(let head) = event, head.status == 200, !head.isHTTP2 {
                logger.error("the AVS endpoint answered without HTTP/2; check avs.endpoint")
                inbox.yield(.machine(.downchannelResponded(status: 505), generation: generation))
            } else if let input = ConnectionStateMachine.Input.downchannel(event) {
                inbox.yield(.machine(input, generation: generation))
            }
        }
    }

    /// `POST /v20160207/events` with the request's multipart body (streamed for Recognize).
    func startRequest(_ request: OutgoingRequest) {
        guard let token = accessToken else {
            pending.append(request)
            return
        }
        let httpRequest = HTTPRequest(
            method: .post, url: endpoint + apiPath + "/events",
            headers: [token.authorizationHeader, "content-type: " + request.eventBody.contentType],
            body: request.body, noProgressTimeout: machine.timings.eventNoProgressTimeout)
        let decoder = Locked(ResponseDecoder())
        let sink = self.sink
        let inbox = self.inbox
        let generation = self.generation
        let id = http.start(httpRequest) { event in
            let outputs = decoder.withLock { $0.consume(event) }
            sink.deliver(outputs)
            for case .end(let head, let result) in outputs {
                let errorBody = decoder.withLock { $0.errorText }
                inbox.yield(.requestFinished(
                    request, RequestOutcome(head: head, result), errorBody: errorBody, generation: generation))
            }
        }
        request.transfer.withLock { $0 = (id, http) }
        if request.kind != .synchronizeState { perform(machine.handle(.requestSent)) }
    }

    /// `GET /ping`, answered within 30 s or the connection is rebuilt.
    func sendPing() {
        guard let token = accessToken else {
            perform(machine.handle(.pingFinished(.failed(.aborted))))
            return
        }
        let request = HTTPRequest(
            method: .get, url: endpoint + "/ping", headers: [token.authorizationHeader],
            noProgressTimeout: nil, timeout: machine.timings.pingTimeout)
        let inbox = self.inbox
        let generation = self.generation
        let head = Locked<HTTPResponseHead?>(nil)
        http.start(request) { event in
            switch event {
            case .head(let received): head.withLock { $0 = received }
            case .body: break
            case .end(let result):
                let outcome = RequestOutcome(head: head.withLock { $0 }, result)
                inbox.yield(.machine(.pingFinished(outcome), generation: generation))
            }
        }
    }

    /// Reports an event's result and tells the state machine (a 403 rebuilds the connection).
    func finished(_ request: OutgoingRequest, _ outcome: RequestOutcome, errorBody: String, generation: Int) {
        let result: EventResult
        switch outcome {
        case .status(let status) where (200..<300).contains(status):
            result = .delivered(status: status)
        case .status(let status):
            result = .refused(status: status, body: errorBody)
            logger.warning("AVS refused an event", metadata: [
                "messageId": "\(request.messageId)", "status": "\(status)", "body": "\(errorBody)",
            ])
        case .failed(let error):
            result = request.cancelledByCaller.withLock { $0 } ? .cancelled : .failed(error)
            if result != .cancelled {
                logger.warning("event request failed", metadata: ["messageId": "\(request.messageId)", "error": "\(error)"])
            }
        }
        if request.outcome.complete(result), request.kind != .synchronizeState {
            updates.yield(.eventResult(messageId: request.messageId, result))
        }
        guard generation == self.generation else { return }
        if request.kind == .synchronizeState {
            perform(machine.handle(.synchronizeStateFinished(outcome)))
        } else {
            perform(machine.handle(.eventFinished(outcome)))
        }
    }
}

/// Delivers decoded response parts on the curl thread, as they complete: directives and
/// attachment bytes to the session at once, endpoint changes to the connection's loop.
struct PartSink: Sendable {
    let updates: AsyncStream<ConnectionUpdate>.Continuation
    let inbox: AsyncStream<CoreMessage>.Continuation
    let logger: Logger

    func deliver(_ outputs: [ResponseDecoder.Output]) {
        for output in outputs {
            switch output {
            case .parts(let parts):
                for part in parts { deliver(part) }
            case .malformed(let error):
                logger.warning("malformed multipart response: \(error)")
                updates.yield(.malformedResponse(error.description))
            case .head, .end:
                break
            }
        }
    }

    private func deliver(_ part: ResponsePart) {
        switch part {
        case .directive(let bytes):
            switch parseDirective(bytes) {
            case .success(let directive):
                if let endpoint = Self.newEndpoint(in: directive) {
                    inbox.yield(.endpointChanged(endpoint))
                } else {
                    updates.yield(.directive(directive))
                }
            case .failure(let error):
                logger.warning("malformed directive: \(error)")
                updates.yield(.malformedDirective(error))
            }
        case .attachmentBegan(let contentID):
            updates.yield(.attachmentBegan(contentID: contentID))
        case .attachmentData(let contentID, let bytes):
            updates.yield(.attachmentData(contentID: contentID, bytes))
        case .attachmentEnded(let contentID):
            updates.yield(.attachmentEnded(contentID: contentID))
        }
    }

    /// The endpoint an `Alexa.ApiGateway.SetGateway` (`payload.gateway`) or `System.SetEndpoint`
    /// (`payload.endpoint`) directive moves the device to; the transport handles these itself.
    static func newEndpoint(in directive: Directive) -> String? {
        switch (directive.header.namespace, directive.header.name) {
        case ("Alexa.ApiGateway", "SetGateway"): directive.payload["gateway"]?.stringValue
        case ("System", "SetEndpoint"): directive.payload["endpoint"]?.stringValue
        default: nil
        }
    }
}
