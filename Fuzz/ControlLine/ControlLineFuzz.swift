// libFuzzer target: what a client writes to the control socket (Sources/Appliance/Runtime/Control:
// ControlLineSplitter and ControlCommand.parse), compiled with Sources/AVS for JSONValue.
//
// The input is the byte stream one connection sends. Byte 0 seeds how the stream is cut into
// reads (a client's writes arrive in any chunking); the rest is the stream.
//
// Properties checked on every input (a violation is a crash that libFuzzer reports):
//   - no trap, overflow or memory error, and no hang (libFuzzer's -timeout);
//   - the splitter gives the same lines however the stream is chunked, never buffers more than
//     its limit, and never returns a line longer than the limit or holding a newline;
//   - an over-long line is reported at exactly limit + 1 bytes, once;
//   - parse is deterministic, refuses nothing it accepted once, and every refusal is a short,
//     non-empty message that tells the client what to send;
//   - an accepted volume is 0...100.

/// A small deterministic generator (SplitMix64), so a crashing input replays exactly.
private struct Chunking {
    var state: UInt64
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

private let limit = 64  // small, so over-long lines are common in short inputs

@_cdecl("LLVMFuzzerTestOneInput")
public func controlLineFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    var whole = ControlLineSplitter(maximumLineBytes: limit)
    let expected = whole.feed(stream)
    precondition(whole.pendingBytes <= limit, "splitter buffered \(whole.pendingBytes) bytes")

    var chunked = ControlLineSplitter(maximumLineBytes: limit)
    var chunking = Chunking(state: UInt64(data[0]))
    var pieces: [ControlLineSplitter.Piece] = []
    var offset = 0
    while offset < stream.count {
        let length = 1 + chunking.next(below: min(stream.count - offset, 100))
        pieces += chunked.feed(stream[offset..<offset + length])
        precondition(chunked.pendingBytes <= limit, "splitter buffered \(chunked.pendingBytes) bytes")
        offset += length
    }
    precondition(pieces == expected, "chunked and whole streams split differently")
    precondition(chunked.pendingBytes == whole.pendingBytes, "chunked and whole streams left different remainders")

    for piece in expected {
        switch piece {
        case .line(let line):
            precondition(line.count <= limit, "a line of \(line.count) bytes passed a limit of \(limit)")
            precondition(!line.contains(0x0A), "a line holds a newline")
            check(line)
        case .tooLong(let bytes):
            precondition(bytes == limit + 1, "over-long line reported at \(bytes) bytes")
        }
    }
    // The parser also sees lines up to its own (larger) limit.
    for line in stream.split(separator: 0x0A, omittingEmptySubsequences: false) {
        check(Array(line))
    }
    return 0
}

private func check(_ line: [UInt8]) {
    let first = ControlCommand.parse(line)
    let second = ControlCommand.parse(line)
    precondition(first == second, "the same line parsed two ways")
    switch first {
    case .success(.volume(let percent)):
        precondition((0...100).contains(percent), "volume \(percent) accepted")
    case .success:
        break
    case .failure(let error):
        let message = error.description
        precondition(!message.isEmpty && message.utf8.count <= 200, "refusal of \(message.utf8.count) bytes")
        precondition(message.contains("send") || message.contains("use one of") || message.contains("needs"),
                     "refusal without a fix: \(message)")
    }
}
