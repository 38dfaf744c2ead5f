// libFuzzer target: the AVS multipart decoder (Sources/AVS/MultipartReader.swift).
//
// Compiled into one module with the AVS sources (see Fuzz/README.md), so it sees the decoder
// exactly as the firmware builds it. The input is split in two:
//
//   byte 0          seed of the chunking: how the body is cut into `feed` calls
//   bytes 1...      the body, decoded with the AVS boundary below
//
// Properties checked on every input (a violation is a crash, which libFuzzer reports):
//   1. no trap, overflow or out-of-bounds access (the address sanitizer watches memory);
//   2. the body cut into random chunks decodes to the same parts (attachment data joined) as
//      the body fed whole, and succeeds exactly when the whole body does;
//   3. no JSON part is larger than the limit, and no attachment data arrives outside its
//      began/ended pair.

let fuzzBoundary = "84109348-943b-4446-85e6-e73eda9fac43"
/// Smaller than the firmware's limits so the fuzzer reaches the limit paths quickly.
let fuzzMaxHeaderBytes = 512
let fuzzMaxDirectiveBytes = 2048

/// A small deterministic generator (splitmix64): the chunking must replay from the input.
struct ChunkingGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a decode produced: its parts (attachment data joined) and the error that ended it.
struct DecodeOutcome: Equatable {
    var parts: [ResponsePart] = []
    var error: MultipartError?
}

func decodeInChunks(_ body: [UInt8], sizes: [Int]) -> DecodeOutcome {
    var reader = MultipartReader(
        boundary: fuzzBoundary, maxHeaderBytes: fuzzMaxHeaderBytes, maxDirectiveBytes: fuzzMaxDirectiveBytes)
    var outcome = DecodeOutcome()
    var offset = 0
    do throws(MultipartError) {
        for size in sizes where offset < body.count {
            let end = min(body.count, offset + size)
            outcome.parts += try reader.feed(body[offset..<end])
            offset = end
        }
        outcome.parts += try reader.feed(body[offset...])
        outcome.parts += try reader.finish()
    } catch {
        outcome.error = error
    }
    outcome.parts = joined(outcome.parts)
    return outcome
}

/// Consecutive data of one attachment as one event, so different chunkings compare equal.
func joined(_ parts: [ResponsePart]) -> [ResponsePart] {
    var result: [ResponsePart] = []
    for part in parts {
        if case .attachmentData(let id, let data) = part,
            case .attachmentData(let lastID, let lastData)? = result.last, id == lastID
        {
            result[result.count - 1] = .attachmentData(contentID: id, lastData + data)
        } else {
            result.append(part)
        }
    }
    return result
}

func checkWellFormed(_ parts: [ResponsePart]) {
    var open: String?
    for part in parts {
        switch part {
        case .directive(let json):
            precondition(!json.isEmpty && json.count <= fuzzMaxDirectiveBytes, "JSON part size \(json.count)")
            precondition(open == nil, "JSON part inside an attachment")
        case .attachmentBegan(let id):
            precondition(open == nil, "attachment \(id) began inside another")
            open = id
        case .attachmentData(let id, _):
            precondition(open == id, "data for \(id) outside its attachment")
        case .attachmentEnded(let id):
            precondition(open == id, "end of \(id) without its beginning")
            open = nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func multipartReaderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    var generator = ChunkingGenerator(state: UInt64(input[0]))
    let body = Array(input.dropFirst())

    var sizes: [Int] = []
    var covered = 0
    while covered < body.count {
        // Mostly tiny chunks (boundaries split everywhere), now and then a large one.
        let size = Bool.random(using: &generator) ? Int.random(in: 1...4, using: &generator)
            : Int.random(in: 1...max(1, body.count), using: &generator)
        sizes.append(size)
        covered += size
    }

    let whole = decodeInChunks(body, sizes: [])
    let chunked = decodeInChunks(body, sizes: sizes)
    checkWellFormed(whole.parts)
    checkWellFormed(chunked.parts)
    precondition(
        (whole.error == nil) == (chunked.error == nil),
        "whole: \(whole.error.map { "\($0)" } ?? "ok"), chunked \(sizes): \(chunked.error.map { "\($0)" } ?? "ok")")
    if whole.error == nil {
        precondition(whole.parts == chunked.parts, "chunking \(sizes) changed the parts")
    }
    return 0
}
