/// The `multipart/form-data` body of an event request (the SDK's HTTP2MimeRequestEncoder):
/// a `metadata` part with the event JSON and, for `Recognize` only, an `audio` part whose
/// bytes are streamed after `head` while the user speaks, then `tail`.
///
/// ```
/// \r\n--B\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n{event}
/// \r\n--B\r\nContent-Disposition: form-data; name="audio"\r\nContent-Type: application/octet-stream\r\n\r\n<audio>
/// \r\n--B--\r\n
/// ```
public struct EventBody: Sendable, Hashable {
    public let boundary: String

    public init(boundary: String = EventBody.randomBoundary()) {
        self.boundary = boundary
    }

    /// The request's `content-type` header value.
    public var contentType: String { "multipart/form-data; boundary=" + boundary }

    /// Everything before the audio bytes (or the whole body but `tail`, without audio).
    public func head(metadata: [UInt8], audio: Bool) -> [UInt8] {
        var bytes = partHeader(name: "metadata", contentType: "application/json")
        bytes += metadata
        if audio { bytes += partHeader(name: "audio", contentType: "application/octet-stream") }
        return bytes
    }

    /// The closing delimiter.
    public var tail: [UInt8] { Array("\r\n--\(boundary)--\r\n".utf8) }

    /// A whole body for an event without audio.
    public func body(metadata: [UInt8]) -> [UInt8] {
        head(metadata: metadata, audio: false) + tail
    }

    private func partHeader(name: String, contentType: String) -> [UInt8] {
        Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }

    /// A boundary of 32 random letters and digits: it cannot occur in JSON text by accident,
    /// and audio (binary) would have to match 34 bytes at once.
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomBoundary(using: &generator)
    }

    public static func randomBoundary(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
