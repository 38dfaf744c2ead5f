@testable import AVS

/// The boundary of a real AVS response (as used in the SDK's tests).
let avsBoundary = "84109348-943b-4446-85e6-e73eda9fac43"

let stopCaptureJSON = #"{"directive":{"header":{"namespace":"SpeechRecognizer","name":"StopCapture","messageId":"4e5612af-e05c-4611-8910-1e23f47ffb41"},"payload":{}}}"#

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A JSON part (without its leading boundary): headers, blank line, body.
func jsonPart(_ json: String, headers: [String] = ["Content-Type: application/json; charset=UTF-8"]) -> String {
    headers.joined(separator: "\r\n") + "\r\n\r\n" + json
}

/// Decodes `body` fed in the given chunk sizes (the rest in one last chunk), then finishes.
func decode(_ body: [UInt8], boundary: String = avsBoundary, chunks sizes: [Int] = []) throws(MultipartError) -> [ResponsePart] {
    var reader = MultipartReader(boundary: boundary)
    var parts: [ResponsePart] = []
    var offset = 0
    for size in sizes where offset < body.count {
        let end = min(body.count, offset + size)
        parts += try reader.feed(body[offset..<end])
        offset = end
    }
    parts += try reader.feed(body[offset...])
    parts += try reader.finish()
    return parts
}

/// Joins consecutive data events of one attachment, so that results of different chunk
/// splits compare equal.
func coalesced(_ parts: [ResponsePart]) -> [ResponsePart] {
    var result: [ResponsePart] = []
    for part in parts {
        if case .attachmentData(let id, let data) = part, case .attachmentData(let lastID, let lastData)? = result.last,
           id == lastID
        {
            result[result.count - 1] = .attachmentData(contentID: id, lastData + data)
        } else {
            result.append(part)
        }
    }
    return result
}

/// A small, seedable generator so random splits are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var source: MessageIDSource
    init(seed: UInt64) { source = MessageIDSource(seed: seed) }
    mutating func next() -> UInt64 { source.next() }
}
