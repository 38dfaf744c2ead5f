import Foundation

/// An open downchannel as the rest of the simulator sees it: closures that hop onto the
/// stream's event loop, so any thread may push.
public struct DownchannelHandle: Sendable {
    public var id: Int
    /// Identifies the HTTP/2 connection the downchannel belongs to.
    public var connection: ObjectIdentifier
    /// Writes one part (the text as it is) and the delimiter after it; with `raw`, writes
    /// the text alone, `{boundary}` replaced by the boundary (framing quirks on purpose).
    public var push: @Sendable (_ text: String, _ raw: Bool) -> Void
    /// Ends the stream (AVS dropping the downchannel).
    public var end: @Sendable () -> Void
    /// Closes the whole connection.
    public var dropConnection: @Sendable () -> Void
}

/// The bytes of a downchannel body: it starts with `\r\n--B`, and each directive is its
/// headers and JSON followed at once by `\r\n--B`, so the client can act on a part as
/// soon as it arrives instead of waiting for the next one.
public enum DownchannelFraming {
    public static func opening(boundary: String) -> [UInt8] {
        Array("\r\n--\(boundary)".utf8)
    }

    public static func part(_ text: String, boundary: String) -> [UInt8] {
        Array("\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n\(text)\r\n--\(boundary)".utf8)
    }

    /// A push sent as it is, for framing quirks: `{boundary}` becomes the boundary.
    public static func raw(_ text: String, boundary: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "{boundary}", with: boundary).utf8)
    }

    public static func bytes(_ text: String, raw: Bool, boundary: String) -> [UInt8] {
        raw ? Self.raw(text, boundary: boundary) : part(text, boundary: boundary)
    }
}
