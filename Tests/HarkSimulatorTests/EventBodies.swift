import Audio
import Foundation
import HarkSimulator
import Opus

/// Event request bodies as HTTP2MimeRequestEncoder writes them, and broken variants.
enum EventBodies {
    static let boundary = "hark-test-boundary-1234"
    static let contentType = "multipart/form-data; boundary=\(boundary)"

    static let speechState: SimJSON = [
        "header": ["namespace": "SpeechSynthesizer", "name": "SpeechState"],
        "payload": ["token": "", "offsetInMilliseconds": 0, "playerActivity": "FINISHED"],
    ]

    static func event(
        _ namespace: String, _ name: String, payload: SimJSON = [:], dialogRequestId: String? = nil,
        context: [SimJSON]? = [speechState]
    ) -> SimJSON {
        var header: [String: SimJSON] = [
            "namespace": .string(namespace), "name": .string(name), "messageId": .string(UUID().uuidString),
        ]
        if let dialogRequestId { header["dialogRequestId"] = .string(dialogRequestId) }
        var top: [String: SimJSON] = ["event": ["header": .object(header), "payload": payload]]
        if let context { top["context"] = .array(context) }
        return .object(top)
    }

    static var synchronizeState: SimJSON { event("System", "SynchronizeState") }

    static func recognize(format: String = "OPUS", initiator: String = "TAP", profile: String = "NEAR_FIELD") -> SimJSON {
        event("SpeechRecognizer", "Recognize", payload: [
            "profile": .string(profile), "format": .string(format),
            "initiator": ["type": .string(initiator), "payload": [:]],
        ], dialogRequestId: UUID().uuidString)
    }

    /// `\r\n--B` metadata part, optional audio part, `\r\n--B--\r\n`.
    static func body(metadata: String, audio: [UInt8]? = nil,
                     metadataHeaders: String = "Content-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json; charset=UTF-8",
                     close: Bool = true) -> [UInt8]
    {
        var bytes = Array("\r\n--\(boundary)\r\n\(metadataHeaders)\r\n\r\n\(metadata)".utf8)
        if let audio {
            bytes += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            bytes += audio
        }
        if close { bytes += Array("\r\n--\(boundary)--\r\n".utf8) }
        return bytes
    }

    static func body(_ event: SimJSON, audio: [UInt8]? = nil) -> [UInt8] {
        body(metadata: event.text, audio: audio)
    }

    /// The spoken fixture as the microphone sends it.
    static func fixtureSamples() throws -> [Int16] {
        try WAVFile.read(path: fixturePath("what-time-is-it-16k-mono.wav")).samples
    }

    /// 80-byte CBR Opus packets back to back, as AVS receives them.
    static func opus(_ samples: [Int16]) throws -> [UInt8] {
        let encoder = try OpusEncoder()
        var out: [UInt8] = []
        var start = 0
        while start + OpusEncoder.frameSamples <= samples.count {
            out += try encoder.encode(samples[start..<(start + OpusEncoder.frameSamples)])
            start += OpusEncoder.frameSamples
        }
        return out
    }

    static func l16(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }
}

/// Normalised cross-correlation of `b` against `a` at the best lag in `lags`.
func bestCorrelation(_ a: [Int16], _ b: [Int16], lags: ClosedRange<Int>) -> Double {
    var best = -1.0
    for lag in lags {
        var dot = 0.0, energyA = 0.0, energyB = 0.0
        var index = 0
        while index + lag < b.count && index < a.count {
            let x = Double(a[index]), y = Double(b[index + lag])
            dot += x * y
            energyA += x * x
            energyB += y * y
            index += 1
        }
        if energyA > 0 && energyB > 0 { best = max(best, dot / (energyA * energyB).squareRoot()) }
    }
    return best
}
