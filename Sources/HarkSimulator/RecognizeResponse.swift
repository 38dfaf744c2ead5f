import Foundation

/// The `multipart/related` answer to a Recognize: Speak and its MP3 attachment, then the
/// other directives of the scenario's answer, then `--B--`. The body starts with `--B`
/// (no leading CRLF), as AVS event responses do.
struct RecognizeResponse {
    enum Segment: Equatable {
        /// Written at once.
        case bytes([UInt8])
        /// Attachment content, written in chunks with pauses.
        case attachment([UInt8])
        /// This many zero bytes, written in large chunks at once (the oversize_attachment fault).
        case filler(Int)
    }

    /// The answer-shaping faults to apply to one Recognize answer.
    struct Faults: OptionSet {
        let rawValue: Int
        static let malformedMultipart = Faults(rawValue: 1 << 0)
        static let malformedJSON = Faults(rawValue: 1 << 1)
        static let missingBoundary = Faults(rawValue: 1 << 2)
        static let hugePartHeaders = Faults(rawValue: 1 << 3)
        static let oversizeAttachment = Faults(rawValue: 1 << 4)
        static let missingAttachment = Faults(rawValue: 1 << 5)
    }

    /// Size of the oversize_attachment fault's unnamed attachment.
    static let oversizeAttachmentBytes = 50 * 1024 * 1024

    var boundary: String
    var segments: [Segment] = []
    /// The directives sent, for the record.
    var directives: [SimJSON] = []
    /// The Speak token, when a Speak is sent.
    var speakToken: String?
    /// The ExpectSpeech initiator the next Recognize may echo.
    var expectSpeechInitiator: SimJSON?
    /// Tokens of the AudioPlayer.Play directives sent.
    var playTokens: [String] = []

    /// Without a boundary parameter for the missing_boundary fault.
    var omitsBoundary = false
    var contentType: String {
        omitsBoundary ? "multipart/related; type=\"application/json\""
            : "multipart/related; boundary=\(boundary); type=\"application/json\""
    }
    var isEmpty: Bool { segments.isEmpty }

    /// `mediaBase` (`https://host:port`) goes in front of Play URLs that are paths.
    init(answer: RecognizeAnswer, dialogRequestId: String?, mp3: [UInt8], boundary: String,
         faults: Faults = [], mediaBase: String = "")
    {
        self.boundary = boundary
        omitsBoundary = faults.contains(.missingBoundary)
        var parts: [(text: String, attachment: [UInt8]?, contentID: String?)] = []
        if answer.speak {
            let contentID = "DeviceTTSRendererV4_\(UUID().uuidString.lowercased())"
            let token = "amzn1.as-ct.v1.hark-sim#\(UUID().uuidString.lowercased())"
            speakToken = token
            let speak = SimDirectives.speak(dialogRequestId: dialogRequestId, contentID: contentID, token: token)
            directives.append(speak)
            // A Speak part cut off mid-JSON, for the malformed_json fault.
            let text = faults.contains(.malformedJSON) ? String(speak.text.prefix(40)) : speak.text
            parts.append((text, nil, nil))
            if !faults.contains(.missingAttachment) { parts.append(("", mp3, contentID)) }
        }
        var others: [SimJSON] = []
        if let volume = answer.setVolume { others.append(SimDirectives.setVolume(volume, dialogRequestId: dialogRequestId)) }
        if let delta = answer.adjustVolume { others.append(SimDirectives.adjustVolume(delta, dialogRequestId: dialogRequestId)) }
        if let mute = answer.setMute { others.append(SimDirectives.setMute(mute, dialogRequestId: dialogRequestId)) }
        if let timeout = answer.expectSpeechTimeoutMilliseconds {
            let initiator: SimJSON = ["type": "EXPECT_SPEECH", "payload": ["token": .string(UUID().uuidString.lowercased())]]
            expectSpeechInitiator = initiator
            others.append(SimDirectives.expectSpeech(dialogRequestId: dialogRequestId, timeoutMilliseconds: timeout,
                                                     initiator: initiator))
        }
        directives += others
        parts += others.map { ($0.text, nil, nil) }
        parts += answer.rawDirectives.map { ($0, nil, nil) }
        for spec in answer.plays {
            // Each Play, then its attachment when it names one.
            let token = spec.token ?? PlaySpec.makeToken()
            let contentID = spec.url == "cid" ? "hark-sim-music-\(UUID().uuidString.lowercased())" : nil
            let play = spec.directive(dialogRequestId: dialogRequestId, base: mediaBase, contentID: contentID, token: token)
            directives.append(play)
            playTokens.append(token)
            parts.append((play.text, nil, nil))
            if let contentID { parts.append(("", MediaLibrary.mp3(repeats: spec.repeats), contentID)) }
        }
        guard !parts.isEmpty else { return }

        // A stray prefix before the first boundary: AVS.md says a client must reject it.
        var head = faults.contains(.malformedMultipart) ? Array("garbage-before-boundary\r\n".utf8) : []
        if faults.contains(.hugePartHeaders) {
            // 64 KB of header lines: a client must give up on the part, not buffer without end.
            head += Array("--\(boundary)\r\n".utf8)
            for line in 0..<1024 { head += Array("X-Filler-\(line): \(String(repeating: "x", count: 48))\r\n".utf8) }
            head += Array("Content-Type: application/json\r\n\r\n{}\r\n".utf8)
        }
        for part in parts {
            head += Array("--\(boundary)\r\n".utf8)
            if let attachment = part.attachment, let contentID = part.contentID {
                head += Array("Content-Type: application/octet-stream\r\nContent-ID: <\(contentID)>\r\n\r\n".utf8)
                segments.append(.bytes(head))
                segments.append(.attachment(attachment))
                head = Array("\r\n".utf8)
            } else {
                head += Array("Content-Type: application/json; charset=UTF-8\r\n\r\n\(part.text)\r\n".utf8)
            }
        }
        if faults.contains(.oversizeAttachment) {
            head += Array("--\(boundary)\r\nContent-Type: application/octet-stream\r\nContent-ID: <oversize>\r\n\r\n".utf8)
            segments.append(.bytes(head))
            segments.append(.filler(Self.oversizeAttachmentBytes))
            head = Array("\r\n".utf8)
        }
        head += Array("--\(boundary)--\r\n".utf8)
        segments.append(.bytes(head))
    }

    /// A boundary in the style AVS uses.
    static func makeBoundary() -> String {
        "------------------------" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }
}
