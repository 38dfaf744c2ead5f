import COpus

/// A libopus failure: the C error code and the library's own message for it.
public struct OpusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The negative `OPUS_*` code a libopus call returned.
    public var code: Int32
    /// The call that failed, e.g. "opus_encode".
    public var operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The library's text for `code`, from `opus_strerror`.
    public var message: String { String(cString: opus_strerror(code)) }

    public var description: String { "\(operation) failed: \(message) (\(code))" }

    /// Throws when `result` is a libopus error code (negative); returns it otherwise, since
    /// the encode and decode calls return a byte or sample count on success.
    @discardableResult
    static func check(_ result: Int32, _ operation: String) throws(OpusError) -> Int32 {
        guard result >= 0 else { throw OpusError(code: result, operation: operation) }
        return result
    }
}
