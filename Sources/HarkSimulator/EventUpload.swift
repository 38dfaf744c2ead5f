import Foundation
import NIOCore
import NIOHTTP1

/// One `POST /v20160207/events` as it streams in: the form-data parser, the metadata
/// part, and for a Recognize the audio decoded as it arrives. Confined to the stream's
/// event loop.
final class EventUpload {
    enum Part { case metadata, audio }

    let head: HTTPRequestHead
    let connection: ObjectIdentifier
    let streamID: String?
    var parser: FormDataParser
    var partCount = 0
    var currentPart: Part?
    var metadata: [UInt8] = []
    var event: ReceivedEvent?
    var audio: RecognizeAudio?
    /// An answer (error or fault) already went out; the rest of the body is dropped.
    var done = false
    var stallMilliseconds = 0
    var stopCaptureAfterMilliseconds: Int?
    var stopCaptureSent = false
    var dropAfterMilliseconds: Int?
    var recognizeIndex = 0
    var notes: [String] = []
    static let maxMetadataBytes = 256 * 1024

    init(head: HTTPRequestHead, boundary: String, connection: ObjectIdentifier, streamID: String?) {
        self.head = head
        self.parser = FormDataParser(boundary: boundary)
        self.connection = connection
        self.streamID = streamID
    }

    func receive(_ bytes: [UInt8], handler: StreamHandler, context: ChannelHandlerContext) {
        guard !done else { return }
        do throws(FormDataError) {
            for item in try parser.feed(bytes) {
                try handle(item, handler: handler, context: context)
                if done { return }
            }
        } catch {
            reject(error.description, handler: handler, context: context)
        }
    }

    private func handle(_ item: FormDataEvent, handler: StreamHandler, context: ChannelHandlerContext) throws(FormDataError) {
        switch item {
        case .partBegan(let headers):
            partCount += 1
            switch partCount {
            case 1:
                guard headers.name == "metadata" else { throw FormDataError("the first part must be named \"metadata\"") }
                guard headers.mediaType == "application/json" else {
                    throw FormDataError("the metadata part must have Content-Type application/json")
                }
                currentPart = .metadata
            case 2:
                guard let event, event.isRecognize else { throw FormDataError("only Recognize carries a second part") }
                guard headers.name == "audio" else { throw FormDataError("the second part must be named \"audio\"") }
                guard headers.mediaType == "application/octet-stream" else {
                    throw FormDataError("the audio part must have Content-Type application/octet-stream")
                }
                currentPart = .audio
            default:
                throw FormDataError("unexpected part #\(partCount)")
            }
        case .partData(let bytes):
            switch currentPart {
            case .metadata:
                metadata += bytes
                if metadata.count > Self.maxMetadataBytes { throw FormDataError("metadata part too large") }
            case .audio:
                try audio?.feed(bytes)
                audioProgressed(handler: handler, context: context)
            case nil:
                break
            }
        case .partEnded:
            if currentPart == .metadata { try metadataEnded(handler: handler, context: context) }
            if currentPart == .audio { try audio?.finish() }
            currentPart = nil
        case .closed:
            break
        }
    }

    private func metadataEnded(handler: StreamHandler, context: ChannelHandlerContext) throws(FormDataError) {
        let sim = handler.sim
        let expected = sim.expectedInitiator
        let event = try EventValidator.validate(metadata, expectedInitiator: expected).get()
        self.event = event
        if sim.downchannel(on: connection)?.connection != connection {
            notes.append("event sent on a connection without an open downchannel")
        }
        if !sim.isNewMessageId(event.messageId) { notes.append("messageId \(event.messageId) was used before") }
        if event.namespace == "SpeechSynthesizer", let token = event.payload["token"]?.stringValue,
           !sim.isKnownSpeakToken(token)
        {
            notes.append("token '\(token)' names no Speak the simulator sent")
        }
        if event.namespace == "AudioPlayer", let token = event.payload["token"]?.stringValue, !sim.isKnownPlayToken(token) {
            notes.append("token '\(token)' names no Play the simulator sent")
        }
        if event.namespace == "Alerts" { notes += sim.alerts.check(name: event.name, payload: event.payload) }
        if event.isRecognize {
            recognizeIndex = sim.nextRecognizeIndex()
            let initiator = event.payload["initiator"]
            let echoed = expected != nil && initiator == expected
            if expected != nil && !echoed { notes.append("Recognize did not echo the ExpectSpeech initiator") }
            sim.setExpectedInitiator(nil)
            let type = initiator?["type"]?.stringValue
            let answer = sim.scenario.answer(forRecognize: recognizeIndex)
            if (type == "TAP" || type == "WAKEWORD" || echoed) && answer.stopCaptureAfterMilliseconds > 0 {
                stopCaptureAfterMilliseconds = answer.stopCaptureAfterMilliseconds
            }
            dropAfterMilliseconds = sim.takeFault(.dropMidRecognize)?.afterMilliseconds
            audio = try RecognizeAudio(format: event.payload["format"]?.stringValue ?? "")
        }
        let target: Fault.Target = event.isRecognize ? .recognize : .events
        if let fault = sim.takeFault(.status, target: target) {
            finishRecord(handler: handler, status: fault.status, extra: ["fault": .string("status \(fault.status)")])
            done = true
            handler.respond(context: context, .exception(fault.status, "injected fault: status \(fault.status)"),
                            note: event.qualifiedName)
            return
        }
        if let fault = sim.takeFault(.stall, target: target) { stallMilliseconds = fault.stallMilliseconds }
    }

    private func audioProgressed(handler: StreamHandler, context: ChannelHandlerContext) {
        guard let audio else { return }
        if let after = dropAfterMilliseconds, audio.milliseconds >= after {
            dropAfterMilliseconds = nil
            done = true
            handler.sim.recorder.logRequest(method: "POST", path: head.uri, status: 0,
                                            note: "injected fault: connection dropped mid-Recognize")
            finishRecord(handler: handler, status: 0, extra: ["fault": "connection dropped mid-Recognize"])
            handler.connectionChannel(context).close(promise: nil)
            return
        }
        if let after = stopCaptureAfterMilliseconds, !stopCaptureSent, audio.milliseconds >= after {
            stopCaptureSent = true
            if let downchannel = handler.sim.downchannel(on: connection) {
                downchannel.push(SimDirectives.stopCapture(dialogRequestId: event?.dialogRequestId).text, false)
                handler.sim.stopCaptureSent()
                notes.append("StopCapture sent after \(audio.milliseconds) ms of audio")
            } else {
                notes.append("no downchannel for StopCapture")
            }
        }
    }

    /// The request body ended: check it closed properly, then answer.
    func finish(handler: StreamHandler, context: ChannelHandlerContext) {
        guard !done else { return }
        do throws(FormDataError) {
            try parser.finish()
            guard let event else { throw FormDataError("no metadata part") }
            if event.isRecognize && partCount < 2 { throw FormDataError("Recognize without an audio part") }
            done = true
            let delay = stallMilliseconds
            if event.isRecognize {
                handler.answerRecognize(context: context, upload: self, event: event, extraDelay: delay)
            } else {
                finishRecord(handler: handler, status: 204)
                handler.sim.eventAccepted(event.qualifiedName)
                handler.after(context: context, milliseconds: delay) {
                    handler.respond(context: context, .noContent, note: event.qualifiedName)
                }
            }
        } catch {
            reject(error.description, handler: handler, context: context)
        }
    }

    /// A protocol error: 400 with AVS's exception body.
    func reject(_ description: String, handler: StreamHandler, context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        handler.sim.eventRejected()
        finishRecord(handler: handler, status: 400, extra: ["rejected": .string(description)])
        handler.respond(context: context, .exception(400, description), note: "rejected: \(description)")
    }

    /// The connection went away mid-upload.
    func abandon() {
        done = true
    }

    /// Writes this event's record file.
    func finishRecord(handler: StreamHandler, status: Int, extra: [String: SimJSON] = [:]) {
        let recorder = handler.sim.recorder
        let number = recorder.nextEventNumber()
        let name = event?.qualifiedName ?? "rejected"
        var headers: [String: SimJSON] = [:]
        for (key, value) in head.headers where key.lowercased() != "authorization" {
            headers[key.lowercased()] = .string(value)
        }
        var record: [String: SimJSON] = [
            "number": .number(Double(number)),
            "time_s": .number((recorder.elapsed * 1000).rounded() / 1000),
            "method": .string(head.method.rawValue),
            "path": .string(head.uri),
            "status": .number(Double(status)),
            "headers": .object(headers),
            "notes": .array(notes.map { .string($0) }),
        ]
        if let streamID { record["stream"] = .string(streamID) }
        if let event { record["event"] = event.json }
        if let audio {
            var info: [String: SimJSON] = [
                "format": .string(audio.format),
                "bytes": .number(Double(audio.byteCount)),
                "milliseconds": .number(Double(audio.milliseconds)),
            ]
            if status == 200 || status == 204, let path = recorder.writeAudio(number: number, name: name, samples: audio.samples) {
                info["wav"] = .string(path)
            }
            record["audio"] = .object(info)
        }
        for (key, value) in extra { record[key] = value }
        handler.sim.addNotes(notes.filter { !$0.hasPrefix("StopCapture sent") }, event: number)
        recorder.writeEvent(number: number, name: name, record: .object(record))
    }
}
