import AVS
import Curl

/// An open `SpeechRecognizer.Recognize` request: the metadata part is already in the body;
/// `write` appends captured audio to the audio part as it arrives, `finish` closes the body
/// (the moment capture stops), `cancel` abandons the request.
public final class RecognizeUpload: Sendable {
    /// The Recognize event's `messageId`.
    public let messageId: String
    let request: OutgoingRequest

    init(request: OutgoingRequest) {
        self.request = request
        messageId = request.messageId
    }

    /// Appends audio (L16 or Opus frames) to the open request body.
    public func write(_ audio: some Collection<UInt8>) {
        request.body.write(audio)
    }

    /// Ends the audio part and the multipart body: AVS starts answering.
    public func finish() {
        request.body.finish(tail: request.eventBody.tail)
    }

    /// Abandons the request; its result is `.cancelled`.
    public func cancel() {
        request.cancel()
    }

    /// How the request ended (also reported as a `ConnectionUpdate.eventResult`).
    public var result: EventResult {
        get async { await request.outcome.value }
    }
}

/// An event request on its way: body, result, and the transfer once started.
final class OutgoingRequest: Sendable {
    enum Kind: Sendable {
        case event
        case recognize
        /// `System.SynchronizeState` sent by the transport itself while connecting.
        case synchronizeState
    }

    let messageId: String
    let kind: Kind
    let mustDeliver: Bool
    let eventBody: EventBody
    let body: RequestBody
    let outcome = OnceResult<EventResult>()
    /// The transfer and the client it runs on, once started.
    let transfer = Locked<(id: TransferID, client: CurlHTTPClient)?>(nil)
    let cancelledByCaller = Locked(false)

    init(event: Event, kind: Kind, mustDeliver: Bool) {
        messageId = event.header.messageId
        self.kind = kind
        self.mustDeliver = mustDeliver
        eventBody = EventBody()
        let metadata = event.jsonBytes()
        if kind == .recognize {
            body = RequestBody(streaming: eventBody.head(metadata: metadata, audio: true))
        } else {
            body = RequestBody(bytes: eventBody.head(metadata: metadata, audio: false) + eventBody.tail)
        }
    }

    func cancel() {
        cancelledByCaller.withLock { $0 = true }
        body.cancel()
        if let running = transfer.withLock({ $0 }) {
            running.client.cancel(running.id)
        } else {
            outcome.complete(.cancelled)
        }
    }
}
