import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2

extension StreamHandler {
    /// `POST /v20160207/events`: the content type must be multipart/form-data with a
    /// boundary; the body is then parsed as it streams.
    func beginEvent(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let contentType = head.headers.first(name: "content-type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
        guard mediaType == "multipart/form-data", let boundary = contentTypeParameter("boundary", in: contentType) else {
            sim.eventRejected()
            respond(context: context, .exception(400, "content-type must be multipart/form-data with a boundary"),
                    note: "rejected: content-type '\(contentType)'")
            return
        }
        // Only HTTP/2 stream channels know the option: a socket channel traps on it.
        let streamID = !isHTTP2 ? nil
            : (try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID)).map { "\($0)" }
        phase = .event(EventUpload(head: head, boundary: boundary, connection: connection(context), streamID: streamID))
    }

    /// Runs `body` after `milliseconds` on the event loop (at once for 0).
    func after(context: ChannelHandlerContext, milliseconds: Int, _ body: @escaping () -> Void) {
        if milliseconds <= 0 {
            body()
        } else {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(milliseconds))) { body() }
        }
    }

    /// Answers an accepted Recognize per the scenario: 200 multipart (Speak + MP3 streamed
    /// in chunks, then the other directives) or 204 when the answer has nothing to send.
    func answerRecognize(context: ChannelHandlerContext, upload: EventUpload, event: ReceivedEvent, extraDelay: Int) {
        let answer = sim.scenario.answer(forRecognize: upload.recognizeIndex)
        let mp3: [UInt8]
        if let path = answer.speakMP3Path {
            guard let data = FileManager.default.contents(atPath: path) else {
                upload.finishRecord(handler: self, status: 500, extra: ["error": .string("cannot read \(path)")])
                respond(context: context, .exception(500, "simulator cannot read \(path)"))
                return
            }
            mp3 = Array(data)
        } else {
            mp3 = DefaultReply.mp3
        }
        let response = RecognizeResponse(
            answer: answer, dialogRequestId: event.dialogRequestId, mp3: mp3,
            boundary: RecognizeResponse.makeBoundary(),
            faults: takeAnswerFaults(),
            mediaBase: "https://" + (upload.head.headers.first(name: "host") ?? "127.0.0.1"))
        sim.setExpectedInitiator(response.expectSpeechInitiator)
        for token in response.playTokens { sim.playSent(token: token) }
        if let token = response.speakToken { sim.speakSent(token: token) }
        let status = response.isEmpty ? 204 : 200
        upload.finishRecord(handler: self, status: status, extra: [
            "answer": .array(response.directives),
            "attachment_bytes": .number(Double(answer.speak ? mp3.count : 0)),
        ])
        sim.eventAccepted(event.qualifiedName)
        let delay = (answer.responseDelayMilliseconds ?? sim.scenario.server.responseDelayMilliseconds) + extraDelay
        after(context: context, milliseconds: delay) {
            guard context.channel.isActive else { return }
            if response.isEmpty {
                self.respond(context: context, .noContent, note: event.qualifiedName)
                return
            }
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: response.contentType)
            self.writeHead(context: context, status: 200, headers: headers, note: event.qualifiedName)
            self.stream(context: context, segments: response.segments[...])
        }
    }

    /// Writes the answer's segments in order; attachments go out in chunks with pauses so
    /// the client must play while it downloads.
    private func stream(context: ChannelHandlerContext, segments: ArraySlice<RecognizeResponse.Segment>) {
        guard context.channel.isActive else { return }
        guard let first = segments.first else {
            writeEnd(context: context)
            return
        }
        switch first {
        case .bytes(let bytes):
            writeBody(context: context, bytes)
            stream(context: context, segments: segments.dropFirst())
        case .filler(let count):
            // Large chunks, each written once the previous one is flushed, so the 50 MB never
            // sits in the simulator's own buffers.
            let chunk = min(count, 256 * 1024)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: 0, count: chunk))))).assumeIsolated().whenComplete { _ in
                var remaining = segments.dropFirst()
                if count > chunk { remaining = ArraySlice([.filler(count - chunk)] + remaining) }
                self.stream(context: context, segments: remaining)
            }
        case .attachment(let bytes):
            let settings = sim.scenario.server
            let chunk = Array(bytes.prefix(settings.speakChunkBytes))
            let rest = Array(bytes.dropFirst(settings.speakChunkBytes))
            writeBody(context: context, chunk)
            var remaining = segments.dropFirst()
            if !rest.isEmpty { remaining = ArraySlice([.attachment(rest)] + remaining) }
            after(context: context, milliseconds: rest.isEmpty ? 0 : settings.speakChunkPauseMilliseconds) {
                self.stream(context: context, segments: remaining)
            }
        }
    }

    /// The answer-shaping faults armed for this Recognize answer (each taken once).
    private func takeAnswerFaults() -> RecognizeResponse.Faults {
        let kinds: [(Fault.Kind, RecognizeResponse.Faults)] = [
            (.malformedMultipart, .malformedMultipart), (.malformedJSON, .malformedJSON),
            (.missingBoundary, .missingBoundary), (.hugePartHeaders, .hugePartHeaders),
            (.oversizeAttachment, .oversizeAttachment), (.missingAttachment, .missingAttachment),
        ]
        var faults: RecognizeResponse.Faults = []
        for (kind, fault) in kinds where sim.takeFault(kind) != nil { faults.insert(fault) }
        return faults
    }
}
