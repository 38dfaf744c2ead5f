import Foundation

/// An `AudioPlayer.Play` a scenario sends: in a Recognize answer (`[[recognize.play]]`, after
/// the Speak, so the device must wait for the speech) or pushed on the downchannel
/// (`[[push]] play = {...}`).
public struct PlaySpec: Sendable, Equatable {
    /// REPLACE_ALL, ENQUEUE or REPLACE_ENQUEUED (sent as written, so a test can send a bad one).
    public var behavior = "REPLACE_ALL"
    /// `cid`: the embedded reply (`repeat` times) as an attachment of the answer; a path
    /// starting with `/`: that path on the simulator's own HTTPS listener (`/media/...`);
    /// anything else: sent as it is.
    public var url = "/media/stream.mp3"
    /// Copies of the reply in a `cid` attachment.
    public var repeats = 2
    /// The stream token; nil: a fresh one.
    public var token: String?
    public var offsetMilliseconds = 0
    public var progressDelayMilliseconds: Int?
    public var progressIntervalMilliseconds: Int?
    public var expectedPreviousToken: String?

    public init() {}

    /// The directive, with `base` (`https://host:port`) in front of a path URL and
    /// `contentID` for a `cid` one.
    func directive(dialogRequestId: String?, base: String, contentID: String?, token: String) -> SimJSON {
        let streamURL = url == "cid" ? "cid:\(contentID ?? "missing")" : url.hasPrefix("/") ? base + url : url
        var stream: [String: SimJSON] = [
            "url": .string(streamURL), "streamFormat": "AUDIO_MPEG", "token": .string(token),
            "offsetInMilliseconds": .number(Double(offsetMilliseconds)),
        ]
        var report: [String: SimJSON] = [:]
        if let delay = progressDelayMilliseconds { report["progressReportDelayInMilliseconds"] = .number(Double(delay)) }
        if let interval = progressIntervalMilliseconds { report["progressReportIntervalInMilliseconds"] = .number(Double(interval)) }
        if !report.isEmpty { stream["progressReport"] = .object(report) }
        if let previous = expectedPreviousToken { stream["expectedPreviousToken"] = .string(previous) }
        return SimDirectives.directive(namespace: "AudioPlayer", name: "Play", dialogRequestId: dialogRequestId, payload: [
            "playBehavior": .string(behavior),
            "audioItem": ["audioItemId": .string("hark-sim-item-\(token)"), "stream": .object(stream)],
        ])
    }

    /// A fresh stream token in AVS's style.
    static func makeToken() -> String {
        "amzn1.as-ct.v1.hark-sim-music#\(UUID().uuidString.lowercased())"
    }
}

extension ScenarioLoader {
    static func playSpec(_ reader: TableReader, attachments: Bool) throws(ScenarioError) -> PlaySpec {
        try reader.only(["behavior", "url", "repeat", "token", "offset_ms", "progress_delay_ms", "progress_interval_ms",
                         "expected_previous_token"])
        var spec = PlaySpec()
        if let value = try reader.string("behavior") { spec.behavior = value }
        if let value = try reader.string("url") {
            if value == "cid", !attachments { throw reader.error("url", "cannot be cid here: the downchannel carries no attachments") }
            spec.url = value
        }
        if let value = try reader.int("repeat", min: 1) { spec.repeats = value }
        spec.token = try reader.string("token")
        if let value = try reader.int("offset_ms", min: 0) { spec.offsetMilliseconds = value }
        spec.progressDelayMilliseconds = try reader.int("progress_delay_ms", min: 1)
        spec.progressIntervalMilliseconds = try reader.int("progress_interval_ms", min: 1)
        spec.expectedPreviousToken = try reader.string("expected_previous_token")
        return spec
    }
}
