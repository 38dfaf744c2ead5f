/// The parts of a RIFF/WAVE header Hark reads and writes.
struct WAVHeader {
    var format: AudioFormat
    /// Where the samples start in the file.
    var dataOffset: Int
    /// Length of the samples in bytes: whole frames only.
    var dataBytes: Int

    /// A RIFF or data size that means "unknown, read to the end": what a writer streaming to
    /// a pipe (sox, arecord) or a recording not yet closed (``WAVStreamWriter``) leaves.
    static let unknownSize: UInt32 = 0xFFFF_FFFF

    /// WAVE_FORMAT_PCM and WAVE_FORMAT_EXTENSIBLE (whose sub-format GUID starts with the
    /// real tag).
    private static let pcmTag = 0x0001
    private static let extensibleTag = 0xFFFE

    /// Finds "fmt " and "data" among the chunks and checks the format is 16-bit PCM.
    static func parse(_ bytes: [UInt8], path: String) throws(WAVError) -> WAVHeader {
        func fail(_ problem: WAVError.Problem) -> WAVError { WAVError(path: path, problem: problem) }
        guard bytes.count >= 12 else {
            throw fail(bytes.starts(with: Array("RIFF".utf8)) ? .truncated("RIFF header") : .notRIFFWAVE)
        }
        guard bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw fail(.notRIFFWAVE)
        }
        var format: AudioFormat?
        var offset = 12
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else { throw fail(.truncated("chunk header at byte \(offset)")) }
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = le32(bytes, offset + 4)
            let body = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16 else { throw fail(.invalidHeader("\"fmt \" chunk is \(size) bytes, at least 16 needed")) }
                guard body + 16 <= bytes.count else { throw fail(.truncated("\"fmt \" chunk")) }
                format = try parseFormat(bytes, at: body, size: Int(size), fail: fail)
            case "data":
                guard let format else { throw fail(.missingChunk("fmt ")) }
                let available = bytes.count - body
                let frameBytes = format.channels * 2
                // A streamed file's size fields are placeholders: take every whole frame there is.
                if size >= 0x7FFF_F000 {
                    return WAVHeader(format: format, dataOffset: body, dataBytes: available / frameBytes * frameBytes)
                }
                guard Int(size) <= available else {
                    throw fail(.truncated("\"data\" chunk (\(size) bytes declared, \(available) present)"))
                }
                guard Int(size) % frameBytes == 0 else {
                    throw fail(.invalidHeader("\"data\" chunk is \(size) bytes, not a whole number of \(frameBytes)-byte frames"))
                }
                return WAVHeader(format: format, dataOffset: body, dataBytes: Int(size))
            default:
                break  // LIST, fact, cue ...: not needed for playback.
            }
            // Chunks are padded to an even length.
            offset = body + Int(size) + Int(size & 1)
        }
        throw fail(.missingChunk(format == nil ? "fmt " : "data"))
    }

    private static func parseFormat(
        _ bytes: [UInt8], at body: Int, size: Int, fail: (WAVError.Problem) -> WAVError
    ) throws(WAVError) -> AudioFormat {
        var tag = Int(le16(bytes, body))
        let channels = Int(le16(bytes, body + 2))
        let rate = Int(le32(bytes, body + 4))
        let blockAlign = Int(le16(bytes, body + 12))
        let bits = Int(le16(bytes, body + 14))
        if tag == extensibleTag {
            guard size >= 40, body + 40 <= bytes.count else { throw fail(.truncated("WAVE_FORMAT_EXTENSIBLE \"fmt \" chunk")) }
            tag = Int(le16(bytes, body + 24))
        }
        guard tag == pcmTag else { throw fail(.unsupportedEncoding(formatTag: tag)) }
        guard bits == 16 else { throw fail(.unsupportedBitDepth(bits)) }
        guard (1...8).contains(channels) else { throw fail(.invalidHeader("\(channels) channels")) }
        guard rate > 0 else { throw fail(.invalidHeader("sample rate 0")) }
        guard blockAlign == channels * 2 else {
            throw fail(.invalidHeader("block size \(blockAlign) bytes for \(channels) channels of 16 bits"))
        }
        return AudioFormat(sampleRate: rate, channels: channels)
    }

    /// The canonical 44-byte header for 16-bit PCM. `dataBytes` nil writes the "unknown"
    /// placeholders a streamed file carries until it is closed.
    static func canonical(format: AudioFormat, dataBytes: Int?) -> [UInt8] {
        let data = dataBytes.map { UInt32(clamping: $0) } ?? unknownSize
        let riff = dataBytes.map { UInt32(clamping: $0 + 36) } ?? unknownSize
        var header: [UInt8] = []
        header.reserveCapacity(44)
        header += Array("RIFF".utf8); header += le(riff)
        header += Array("WAVE".utf8)
        header += Array("fmt ".utf8); header += le(UInt32(16))
        header += le(UInt16(pcmTag)); header += le(UInt16(format.channels))
        header += le(UInt32(format.sampleRate))
        header += le(UInt32(format.sampleRate * format.channels * 2))  // byte rate
        header += le(UInt16(format.channels * 2))                      // block align
        header += le(UInt16(16))                                       // bits per sample
        header += Array("data".utf8); header += le(data)
        return header
    }

    /// Offsets of the RIFF and data size fields in ``canonical(format:dataBytes:)``.
    static let riffSizeOffset = 4
    static let dataSizeOffset = 40

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    private static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
