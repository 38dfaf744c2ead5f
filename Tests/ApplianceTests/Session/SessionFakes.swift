import AVS
import Audio
import Foundation
import Synchronization
@testable import AVSTransport

/// One ordered list that every fake appends to, so a test reads a turn the way it happened.
final class Timeline: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
    /// The entries that start with `prefix` (one device's or one kind's calls), in order.
    func with(_ prefix: String) -> [String] { all.filter { $0.hasPrefix(prefix) } }
}

/// `AVSConnection` at the session's seam: the test pushes updates (state, directives,
/// attachment bytes, results); events and Recognize requests are recorded.
final class FakeAVSConnection: AVSConnection {
    let updates: AsyncStream<ConnectionUpdate>
    private let continuation: AsyncStream<ConnectionUpdate>.Continuation
    private let timeline: Timeline
    private let recognizes = Mutex<[Event]>([])
    private let sent = Mutex<[Event]>([])
    /// What `send` answers for an event name (default: 204).
    let results = Mutex<[String: EventResult]>([:])

    init(timeline: Timeline) {
        self.timeline = timeline
        (updates, continuation) = AsyncStream.makeStream(of: ConnectionUpdate.self)
    }

    func start() { timeline.append("avs.start") }
    func stop() { timeline.append("avs.stop") }

    /// Event names whose `send` never gets an answer: it returns `.cancelled` once its task is
    /// cancelled, as the real connection's does.
    let stalled = Mutex<Set<String>>([])

    func send(_ event: Event) async -> EventResult {
        let name = event.header.qualifiedName
        sent.withLock { $0.append(event) }
        timeline.append("avs.send \(name)")
        if stalled.withLock({ $0.contains(name) }) {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            timeline.append("avs.cancelled \(name)")
            return .cancelled
        }
        return results.withLock { $0[name] } ?? .delivered(status: 204)
    }

    func beginRecognize(_ event: Event) -> RecognizeUpload {
        recognizes.withLock { $0.append(event) }
        timeline.append("avs.recognize")
        return RecognizeUpload(request: OutgoingRequest(event: event, kind: .recognize, mustDeliver: false))
    }

    func push(_ update: ConnectionUpdate) { continuation.yield(update) }

    var recognizeEvents: [Event] { recognizes.withLock { $0 } }
    var sentEvents: [Event] { sent.withLock { $0 } }

    /// A directive for the last Recognize's dialog.
    func directive(_ namespace: String, _ name: String, payload: String = "{}", dialog: Bool = true) -> Directive {
        let dialogRequestId = dialog ? recognizeEvents.last?.header.dialogRequestId : nil
        let idPart = dialogRequestId.map { #","dialogRequestId":"\#($0)""# } ?? ""
        let json = #"{"directive":{"header":{"namespace":"\#(namespace)","name":"\#(name)","messageId":"m-\#(UUID().uuidString)"\#(idPart)},"payload":\#(payload)}}"#
        return try! parseDirective(Array(json.utf8)).get()
    }

    /// A Speak for the last Recognize's dialog, with its MP3 attachment (when `attachment` is
    /// given) streamed in chunks after it, as a response body delivers it.
    func speak(contentID: String = "speech-1", attachment: [UInt8]?) {
        push(.directive(directive("SpeechSynthesizer", "Speak",
                                  payload: #"{"url":"cid:\#(contentID)","format":"AUDIO_MPEG","token":"token-\#(contentID)"}"#)))
        guard let attachment else { return }
        push(.attachmentBegan(contentID: contentID))
        var offset = 0
        while offset < attachment.count {
            let end = min(offset + 4096, attachment.count)
            push(.attachmentData(contentID: contentID, Array(attachment[offset..<end])))
            offset = end
        }
        push(.attachmentEnded(contentID: contentID))
    }

    /// The Recognize request's response ended.
    func finishRecognize(_ result: EventResult = .delivered(status: 200)) {
        guard let id = recognizeEvents.last?.header.messageId else { return }
        push(.eventResult(messageId: id, result))
    }
}

/// `AudioCapture`: 10 ms chunks of a tone as fast as they are read, until `stop()`.
final class FakeMicrophone: AudioCapture {
    private let timeline: Timeline
    private let current = Mutex<AsyncStream<[Int16]>.Continuation?>(nil)
    /// Chunks handed out per start before the stream just waits (a user who stopped talking).
    let chunksPerTurn: Int

    init(timeline: Timeline, chunksPerTurn: Int = 50) {
        self.timeline = timeline
        self.chunksPerTurn = chunksPerTurn
    }

    func start() throws -> AsyncStream<[Int16]> {
        timeline.append("mic.start")
        let (stream, continuation) = AsyncStream.makeStream(of: [Int16].self)
        for index in 0..<chunksPerTurn {
            continuation.yield((0..<160).map { Int16(truncatingIfNeeded: (index * 160 + $0) % 64 * 400 - 12_800) })
        }
        current.withLock { $0 = continuation }
        return stream
    }

    func stop() {
        let continuation = current.withLock { current in
            defer { current = nil }
            return current
        }
        guard let continuation else { return }
        timeline.append("mic.stop")
        continuation.finish()
    }

    var statistics: AudioStatistics { AudioStatistics() }
}

/// `AudioPlayback`: takes samples at once; `finish()` plays out after `playOutGate` opens (so a
/// test can barge in while "speaking"), or at once when there is no gate.
final class FakeSpeaker: AudioPlayback {
    private struct State {
        var frames = 0
        var stopped = false
        var finishing: CheckedContinuation<Void, any Error>?
        var gateOpen: Bool
        var volume = -1
        var muted = false
    }

    private let timeline: Timeline
    private let state: Mutex<State>

    init(timeline: Timeline, holdsSpeech: Bool = false) {
        self.timeline = timeline
        state = Mutex(State(gateOpen: !holdsSpeech))
    }

    func begin(format: AudioFormat) throws {
        timeline.append("speaker.begin \(format.sampleRate)")
        state.withLock {
            $0.frames = 0
            $0.stopped = false
        }
    }

    func write(_ samples: [Int16]) async throws {
        try state.withLock { state in
            if state.stopped { throw CancellationError() }
            state.frames += samples.count
        }
    }

    func finish() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { state -> Result<Void, any Error>? in
                if state.stopped { return .failure(CancellationError()) }
                if state.gateOpen { return .success(()) }
                state.finishing = continuation
                return nil
            }
            if let result { continuation.resume(with: result) }
        }
        timeline.append("speaker.finish")
    }

    /// Lets held speech play out.
    func playOut() {
        let waiter = state.withLock { state in
            state.gateOpen = true
            defer { state.finishing = nil }
            return state.finishing
        }
        waiter?.resume()
    }

    func stop() {
        let waiter = state.withLock { state in
            state.stopped = true
            defer { state.finishing = nil }
            return state.finishing
        }
        timeline.append("speaker.stop")
        waiter?.resume(throwing: CancellationError())
    }

    func setVolume(_ volume: Int) { state.withLock { $0.volume = volume } }
    func setMuted(_ muted: Bool) { state.withLock { $0.muted = muted } }
    var volume: Int { state.withLock { $0.volume } }
    var playedFrames: Int { state.withLock { $0.frames } }
    var statistics: AudioStatistics { AudioStatistics() }
}
