/// Why a WAV file could not be read or written: names the file, the problem, and what Hark
/// supports, so the message alone tells the user how to convert the file.
public struct WAVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Problem: Sendable, Equatable {
        /// The file could not be opened or read (`strerror` text).
        case unreadable(String)
        /// The file could not be created or written (`strerror` text).
        case unwritable(String)
        /// The file does not start with a RIFF/WAVE header (another format, or big-endian RIFX).
        case notRIFFWAVE
        /// The file ends before the named part does.
        case truncated(String)
        /// A required chunk ("fmt " or "data") is missing.
        case missingChunk(String)
        /// The samples are not integer PCM (IEEE float, A-law, µ-law, ADPCM, MP3 ...);
        /// `formatTag` is the WAVE format code.
        case unsupportedEncoding(formatTag: Int)
        /// Integer PCM, but not 16 bits per sample.
        case unsupportedBitDepth(Int)
        /// A header field makes no sense (zero rate, block size not matching channels ...).
        case invalidHeader(String)
    }

    /// The file involved.
    public var path: String
    /// What was wrong with it.
    public var problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// The formats Hark reads and writes, for the end of every message.
    public static let supported = "Hark reads RIFF/WAVE PCM, 16-bit signed little-endian, any rate, 1-8 channels (convert with: sox IN -b 16 -e signed-integer OUT.wav)"

    public var description: String {
        switch problem {
        case .unreadable(let reason): "cannot read '\(path)': \(reason)"
        case .unwritable(let reason): "cannot write '\(path)': \(reason)"
        case .notRIFFWAVE: "'\(path)' is not a RIFF/WAVE file. \(Self.supported)"
        case .truncated(let part): "'\(path)' is truncated: it ends inside the \(part). \(Self.supported)"
        case .missingChunk(let chunk): "'\(path)' has no \"\(chunk)\" chunk. \(Self.supported)"
        case .unsupportedEncoding(let tag):
            "'\(path)' holds \(Self.encodingName(tag)) samples, not integer PCM. \(Self.supported)"
        case .unsupportedBitDepth(let bits):
            "'\(path)' holds \(bits)-bit PCM. \(Self.supported)"
        case .invalidHeader(let detail): "'\(path)' has an invalid header: \(detail). \(Self.supported)"
        }
    }

    /// The name of a WAVE format tag (mmreg.h) for messages.
    static func encodingName(_ tag: Int) -> String {
        switch tag {
        case 0x0002: "Microsoft ADPCM"
        case 0x0003: "IEEE float"
        case 0x0006: "A-law"
        case 0x0007: "µ-law"
        case 0x0011: "IMA ADPCM"
        case 0x0031: "GSM 6.10"
        case 0x0055: "MPEG layer III"
        default: "format tag 0x\(String(tag, radix: 16))"
        }
    }
}
