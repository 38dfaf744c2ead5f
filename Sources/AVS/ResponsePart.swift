/// What `MultipartReader` reports from a response or downchannel body.
public enum ResponsePart: Sendable, Hashable {
    /// A whole JSON part (Content-Type contains `application/json`), emitted when the part ends.
    case directive([UInt8])
    /// An `application/octet-stream` part with a Content-ID began (angle brackets stripped).
    case attachmentBegan(contentID: String)
    /// Bytes of that attachment, emitted as they arrive, before the part ends.
    case attachmentData(contentID: String, [UInt8])
    /// The attachment is complete.
    case attachmentEnded(contentID: String)
}

/// Why a multipart body could not be decoded. The stream is unusable after one of these.
public enum MultipartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body starts with something other than `--B` or one CRLF and `--B`.
    case badPrefix
    /// The body ended before its first boundary.
    case missingBoundary
    /// A boundary was followed by neither `--` nor CRLF.
    case malformedDelimiter
    /// A part header line is not `Name: value`.
    case malformedHeader(String)
    /// A part's headers exceed the limit (bytes), so a hostile or broken peer cannot make
    /// the reader buffer without bound.
    case headersTooLarge(limit: Int)
    /// A JSON part exceeds the limit (bytes).
    case directiveTooLarge(limit: Int)
    /// The body ended inside a part or without the closing `--B--`.
    case truncated

    public var description: String {
        switch self {
        case .badPrefix: "multipart body does not start with its boundary"
        case .missingBoundary: "multipart body ended before its first boundary"
        case .malformedDelimiter: "multipart boundary followed by neither \"--\" nor CRLF"
        case .malformedHeader(let line): "malformed multipart part header: \(line)"
        case .headersTooLarge(let limit): "multipart part headers exceed \(limit) bytes"
        case .directiveTooLarge(let limit): "JSON part exceeds \(limit) bytes"
        case .truncated: "multipart body ended before its closing boundary"
        }
    }
}
