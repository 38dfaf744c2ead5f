import NIOCore
import NIOHTTP1
import NIOHTTP2

extension StreamHandler {
    /// `GET /v20160207/directives`: 200 with a multipart/related body that stays open;
    /// scenario pushes and `close_downchannel` faults are scheduled from now.
    func openDownchannel(context: ChannelHandlerContext) {
        if let fault = sim.takeFault(.status, target: .downchannel) {
            respond(context: context, .exception(fault.status, "injected fault: status \(fault.status)"))
            return
        }
        if let fault = sim.takeFault(.stall, target: .downchannel) {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(fault.stallMilliseconds))) {
                self.startDownchannel(context: context)
            }
            return
        }
        startDownchannel(context: context)
    }

    private func startDownchannel(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let boundary = RecognizeResponse.makeBoundary()
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "multipart/related; boundary=\(boundary); type=\"application/json\"")
        writeHead(context: context, status: 200, headers: headers, note: "downchannel open")
        writeBody(context: context, DownchannelFraming.opening(boundary: boundary))

        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let connection = connection(context)
        let parent = connectionChannel(context)
        downchannelID = sim.registerDownchannel { id in
            DownchannelHandle(
                id: id,
                connection: connection,
                push: { text, raw in
                    loop.execute {
                        let (handler, context) = bound.value
                        guard handler.downchannelID == id, context.channel.isActive else { return }
                        handler.writeBody(context: context, DownchannelFraming.bytes(text, raw: raw, boundary: boundary))
                    }
                },
                end: {
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.endDownchannel(context: context, id: id)
                    }
                },
                dropConnection: { parent.close(promise: nil) })
        }

        guard let id = downchannelID else { return }
        let base = "https://" + (head?.headers.first(name: "host") ?? "127.0.0.1")
        for push in sim.scenario.pushes {
            loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(push.afterMilliseconds))) {
                guard self.downchannelID == id, context.channel.isActive else { return }
                var text = push.text
                if let play = push.play {
                    // A Play outside any dialog, its URL on this listener.
                    let token = play.token ?? PlaySpec.makeToken()
                    self.sim.playSent(token: token)
                    text = play.directive(dialogRequestId: nil, base: base, contentID: nil, token: token).text
                }
                self.writeBody(context: context, DownchannelFraming.bytes(text, raw: push.raw, boundary: boundary))
            }
        }
        scheduleAlertPushes(context: context, id: id, boundary: boundary)
        if let fault = sim.takeFault(.closeDownchannel) {
            loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(fault.afterMilliseconds))) {
                self.endDownchannel(context: context, id: id)
            }
        }
        if isHTTP2, let fault = sim.takeFault(.goAway),
           let streamID = try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID)
        {
            loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(fault.afterMilliseconds))) {
                let goAway = HTTP2Frame(streamID: .rootStream,
                                        payload: .goAway(lastStreamID: streamID, errorCode: .noError, opaqueData: nil))
                parent.writeAndFlush(goAway, promise: nil)
                self.sim.recorder.logRequest(method: "-", path: "-", status: 0, note: "injected fault: GOAWAY")
                self.endDownchannel(context: context, id: id)
            }
        }
    }

    /// Ends the downchannel stream without a closing boundary, as a server going away does.
    func endDownchannel(context: ChannelHandlerContext, id: Int) {
        guard downchannelID == id else { return }
        sim.unregisterDownchannel(id)
        downchannelID = nil
        sim.recorder.logRequest(method: "GET", path: "/v20160207/directives", status: 200, note: "downchannel ended by the server")
        guard context.channel.isActive else { return }
        writeEnd(context: context)
    }
}
