import Opus

/// How microphone audio goes to AVS in a Recognize event.
public enum MicrophoneFormat: String, Sendable, CaseIterable {
    /// 32 kbit/s CBR Opus, 80-byte packets back to back (a quarter of L16's bandwidth).
    case opus
    /// Raw signed 16-bit little-endian PCM, 16 kHz mono.
    case l16

    /// The Recognize payload's `format` value for this encoding.
    public var avsName: String {
        switch self {
        case .opus: "OPUS"
        case .l16: "AUDIO_L16_RATE_16000_CHANNELS_1"
        }
    }
}

/// Turns 16 kHz mono capture chunks (10 ms, 160 samples, from `AudioCapture`) into the byte
/// stream AVS reads from the Recognize audio part.
///
/// - L16: every sample passes through as two little-endian bytes.
/// - Opus: samples collect until a 20 ms frame (320 samples) is whole, which then goes out
///   as one 80-byte packet; packets follow each other with no framing. A partial frame left
///   at the end is dropped, as the AVS SDK does.
///
/// Chunks of any length work; 10 ms is what the engine delivers. A copy shares the Opus
/// encoder's state with the original, so use one value per stream.
public struct MicrophoneEncoder {
    /// The encoding this encoder produces.
    public let format: MicrophoneFormat

    private let opus: OpusEncoder?
    /// Samples waiting for a whole Opus frame (fewer than 320).
    private var pending: [Int16] = []

    /// - Parameters:
    ///   - format: the encoding AVS is told about in the Recognize event.
    ///   - opusComplexity: libopus search effort 0...10 (`OpusEncoder.defaultComplexity`
    ///     explains the default); ignored for L16.
    /// - Throws: `OpusError` when libopus refuses the settings.
    public init(format: MicrophoneFormat, opusComplexity: Int = OpusEncoder.defaultComplexity) throws {
        self.format = format
        opus = format == .opus ? try OpusEncoder(complexity: opusComplexity) : nil
        pending.reserveCapacity(OpusEncoder.frameSamples * 2)
    }

    /// Encodes one chunk of 16 kHz mono samples.
    /// - Returns: L16: the chunk's bytes. Opus: zero or more whole 80-byte packets (one per
    ///   20 ms completed by this chunk).
    public mutating func encode(_ chunk: [Int16]) throws -> [UInt8] {
        guard let opus else { return Self.littleEndianBytes(chunk) }
        pending += chunk
        let frame = OpusEncoder.frameSamples
        let whole = pending.count / frame
        guard whole > 0 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(whole * OpusEncoder.packetBytes)
        for index in 0..<whole {
            bytes += try opus.encode(pending[(index * frame)..<((index + 1) * frame)])
        }
        pending.removeFirst(whole * frame)
        return bytes
    }

    /// Ends the stream. L16 has nothing buffered; Opus drops the partial frame (fewer than
    /// 20 ms), as AVS expects only whole packets.
    public mutating func finish() -> [UInt8] {
        pending.removeAll(keepingCapacity: true)
        return []
    }

    /// Samples as signed 16-bit little-endian bytes.
    static func littleEndianBytes(_ samples: [Int16]) -> [UInt8] {
        #if _endian(little)
        return samples.withUnsafeBytes { Array($0) }
        #else
        return samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        #endif
    }
}
