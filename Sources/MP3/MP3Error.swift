import CMPG123

/// Why an MP3 stream could not be decoded. Bad input always ends in one of these, never in
/// a crash or a hang.
public enum MP3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// No MPEG audio frame was found: the bytes are not MP3 (an HTML error page, a different
    /// codec, random data), or the stream was cut before its first frame.
    case notMP3(bytesFed: Int)
    /// The stream ended inside a frame: the last `bytesLeftOver` bytes could not be decoded.
    /// Typical of a download cut short.
    case truncated(bytesLeftOver: Int, framesDecoded: Int)
    /// libmpg123 gave up on the stream after it had started (lost sync in junk, a broken
    /// frame); `code` and `message` are from `mpg123_errcode` and `mpg123_strerror`.
    case corrupt(code: Int32, message: String, framesDecoded: Int)
    /// A libmpg123 call failed outside decoding (out of memory, an impossible setting).
    case library(operation: String, code: Int32, message: String)
    /// `feed` or `finish` was called after the decoder had finished or failed.
    case finished

    public var description: String {
        switch self {
        case .notMP3(let bytes):
            "not an MP3 stream: no MPEG audio frame in the first \(bytes) bytes (expected MPEG-1/2/2.5 layer III, as AVS sends)"
        case .truncated(let left, let frames):
            "truncated MP3 stream: it ends inside a frame (\(left) bytes left over after \(frames) whole frames)"
        case .corrupt(let code, let message, let frames):
            "corrupt MP3 stream after \(frames) frames: \(message) (mpg123 error \(code))"
        case .library(let operation, let code, let message):
            "\(operation) failed: \(message) (mpg123 error \(code))"
        case .finished:
            "the MP3 decoder has already finished or failed; create a new one for another stream"
        }
    }

    /// The library's text for an `MPG123_*` error code, from `mpg123_plain_strerror`.
    static func message(for code: Int32) -> String {
        String(cString: mpg123_plain_strerror(code))
    }
}
