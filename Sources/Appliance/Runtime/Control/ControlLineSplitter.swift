/// Splits a byte stream into lines for the control socket, with a bound on what it buffers.
///
/// A line longer than `maximumLineBytes` is reported once as `.tooLong` and its remaining bytes
/// are skipped up to the next newline, so a client that floods one endless line costs at most
/// `maximumLineBytes` of memory and the connection stays usable after the next newline. Pure
/// value type: the fuzzer feeds it arbitrary chunks.
public struct ControlLineSplitter: Sendable {
    public enum Piece: Sendable, Hashable {
        /// A complete line without its `\n` (a trailing `\r` is removed too).
        case line([UInt8])
        /// A line that went past the limit; `bytes` is how many were seen before giving up.
        case tooLong(bytes: Int)
    }

    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    /// Skipping the rest of an over-long line until its newline.
    private var discarding = false

    public init(maximumLineBytes: Int = ControlCommand.maximumLineBytes) {
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// Bytes waiting for their newline.
    public var pendingBytes: Int { buffer.count }

    /// Feeds received bytes; returns the lines (and over-long line reports) they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        for byte in bytes {
            if byte == 0x0A {
                if discarding {
                    discarding = false
                } else {
                    if buffer.last == 0x0D { buffer.removeLast() }
                    pieces.append(.line(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            if discarding { continue }
            buffer.append(byte)
            if buffer.count > maximumLineBytes {
                pieces.append(.tooLong(bytes: buffer.count))
                buffer.removeAll(keepingCapacity: false)
                discarding = true
            }
        }
        return pieces
    }
}
