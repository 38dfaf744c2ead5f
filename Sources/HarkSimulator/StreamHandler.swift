import NIOCore
import NIOHTTP1

/// Serves one HTTP/2 stream (or one HTTP/1.1 connection's requests in turn): routes the
/// request, checks it as AVS would, and answers. Runs on the channel's event loop only.
final class StreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    enum Route: Equatable {
        case downchannel, events, ping, codePair, token
        case simPush, simState, simRevoke, simRevokeRefresh, simCloseDownchannels, simDrop
        case media
        case notFound
    }

    /// What the handler does with the rest of the current request's body.
    enum Phase {
        /// Body bytes are dropped (an answer was already sent, or none is wanted).
        case ignoring
        /// Small bodies (LWA, control API) are collected, then answered.
        case collecting([UInt8])
        /// An event upload, parsed as it streams.
        case event(EventUpload)
    }

    let sim: SimulatorState
    /// Whether this handler serves an HTTP/2 stream (else an HTTP/1.1 connection).
    let isHTTP2: Bool
    var head: HTTPRequestHead?
    var route = Route.notFound
    var phase = Phase.ignoring
    /// Whether this request's response head went out.
    var responded = false
    var downchannelID: Int?
    static let maxCollectedBytes = 64 * 1024

    init(sim: SimulatorState, isHTTP2: Bool) {
        self.sim = sim
        self.isHTTP2 = isHTTP2
    }

    /// The TCP connection's channel: an HTTP/2 stream's parent, else the channel itself
    /// (whose own parent is the listening socket, never to be closed here).
    func connectionChannel(_ context: ChannelHandlerContext) -> any Channel {
        isHTTP2 ? (context.channel.parent ?? context.channel) : context.channel
    }

    func connection(_ context: ChannelHandlerContext) -> ObjectIdentifier {
        ObjectIdentifier(connectionChannel(context))
    }

    static func route(method: HTTPMethod, path: String) -> Route {
        let path = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        switch (method, path) {
        case (.GET, "/v20160207/directives"): return .downchannel
        case (.POST, "/v20160207/events"): return .events
        case (.GET, "/ping"): return .ping
        case (.POST, "/auth/O2/create/codepair"), (.POST, "/auth/o2/create/codepair"): return .codePair
        case (.POST, "/auth/O2/token"), (.POST, "/auth/o2/token"): return .token
        case (.POST, "/sim/push"): return .simPush
        case (.GET, "/sim/state"): return .simState
        case (.POST, "/sim/revoke"): return .simRevoke
        case (.POST, "/sim/revoke-refresh"): return .simRevokeRefresh
        case (.POST, "/sim/close-downchannels"): return .simCloseDownchannels
        case (.POST, "/sim/drop"): return .simDrop
        case (.GET, _) where path.hasPrefix("/media/"): return .media
        default: return .notFound
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            responded = false
            phase = .ignoring
            route = Self.route(method: head.method, path: head.uri)
            begin(context: context, head: head)
        case .body(var buffer):
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            switch phase {
            case .ignoring:
                break
            case .collecting(var collected):
                collected += bytes
                if collected.count > Self.maxCollectedBytes {
                    phase = .ignoring
                    respond(context: context, .exception(400, "request body too large"))
                } else {
                    phase = .collecting(collected)
                }
            case .event(let upload):
                upload.receive(bytes, handler: self, context: context)
            }
        case .end:
            switch phase {
            case .ignoring:
                break
            case .collecting(let collected):
                phase = .ignoring
                finishCollected(context: context, body: collected)
            case .event(let upload):
                phase = .ignoring
                upload.finish(handler: self, context: context)
            }
        }
    }

    /// Decides at the request head: authorization, faults, and which body handling follows.
    private func begin(context: ChannelHandlerContext, head: HTTPRequestHead) {
        switch route {
        case .downchannel, .events, .ping:
            // AVS speaks HTTP/2 only; a client that fell back to HTTP/1.1 must find out here.
            guard isHTTP2 else {
                respond(context: context, .exception(505, "AVS requires HTTP/2 (ALPN h2)"), note: "HTTP/1.1 refused")
                return
            }
            guard sim.isAuthorized(head.headers.first(name: "authorization")) else {
                respond(context: context, .exception(403, "missing, unknown, expired or revoked access token"))
                return
            }
            if route == .downchannel {
                openDownchannel(context: context)
            } else if route == .ping {
                answerWithFaults(context: context, target: .ping) { .noContent }
            } else {
                beginEvent(context: context, head: head)
            }
        case .codePair, .token:
            let type = head.headers.first(name: "content-type")?.lowercased() ?? ""
            guard type.hasPrefix("application/x-www-form-urlencoded") else {
                respond(context: context, .json(400, [
                    "error": "invalid_request",
                    "error_description": "content-type must be application/x-www-form-urlencoded",
                ]))
                return
            }
            phase = .collecting([])
        case .simPush, .simState, .simRevoke, .simRevokeRefresh, .simCloseDownchannels, .simDrop:
            phase = .collecting([])
        case .media:
            serveMedia(context: context, head: head)
        case .notFound:
            respond(context: context, .json(404, ["error": "not found"]))
        }
    }

    private func finishCollected(context: ChannelHandlerContext, body: [UInt8]) {
        switch route {
        case .codePair, .token:
            guard let form = parseFormURLEncoded(body) else {
                respond(context: context, .json(400, ["error": "invalid_request", "error_description": "body is not form-encoded"]))
                return
            }
            respond(context: context, route == .codePair ? sim.createCodePair(form) : sim.token(form))
        case .simPush:
            let downchannels = sim.downchannels
            guard !downchannels.isEmpty else {
                respond(context: context, .json(409, ["error": "no downchannel is open"]))
                return
            }
            let text = String(decoding: body, as: UTF8.self)
            let raw = head?.uri.contains("raw=1") ?? false
            for downchannel in downchannels { downchannel.push(text, raw) }
            respond(context: context, .noContent)
        case .simState:
            respond(context: context, .json(200, sim.snapshot))
        case .simRevoke:
            sim.revokeAccessTokens()
            respond(context: context, .noContent)
        case .simRevokeRefresh:
            sim.revokeRefreshTokens()
            respond(context: context, .noContent)
        case .simCloseDownchannels:
            for downchannel in sim.downchannels { downchannel.end() }
            respond(context: context, .noContent)
        case .simDrop:
            let downchannels = sim.downchannels
            respond(context: context, .noContent)
            for downchannel in downchannels where downchannel.connection != connection(context) {
                downchannel.dropConnection()
            }
        default:
            break
        }
    }

    /// Answers after any `status` or `stall` fault for `target`.
    func answerWithFaults(context: ChannelHandlerContext, target: Fault.Target, _ answer: @escaping () -> SimAnswer) {
        if let fault = sim.takeFault(.status, target: target) {
            respond(context: context, .exception(fault.status, "injected fault: status \(fault.status)"))
            return
        }
        if let fault = sim.takeFault(.stall, target: target) {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(fault.stallMilliseconds))) {
                self.respond(context: context, answer())
            }
            return
        }
        respond(context: context, answer())
    }

    // MARK: - Writing

    /// Sends a whole answer and logs it.
    func respond(context: ChannelHandlerContext, _ answer: SimAnswer, note: String = "") {
        guard !responded else { return }
        var headers = HTTPHeaders()
        if let type = answer.contentType { headers.add(name: "content-type", value: type) }
        headers.add(name: "content-length", value: String(answer.body.count))
        writeHead(context: context, status: answer.status, headers: headers, note: note)
        if !answer.body.isEmpty { writeBody(context: context, answer.body) }
        writeEnd(context: context)
    }

    func writeHead(context: ChannelHandlerContext, status: Int, headers: HTTPHeaders, note: String = "") {
        guard !responded, let head else { return }
        responded = true
        sim.recorder.logRequest(method: head.method.rawValue, path: head.uri, status: status, note: note)
        let response = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(response)), promise: nil)
    }

    func writeBody(context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
    }

    func writeEnd(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let downchannelID { sim.unregisterDownchannel(downchannelID) }
        if case .event(let upload) = phase { upload.abandon() }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
