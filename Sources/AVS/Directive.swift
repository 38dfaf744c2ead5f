/// A directive from AVS: `{"directive":{"header":{...},"payload":{...}}}`.
public struct Directive: Sendable, Hashable {
    public var header: MessageHeader
    public var payload: JSONValue
    /// The JSON text as received, echoed back in `System.ExceptionEncountered`.
    public var raw: String

    public init(header: MessageHeader, payload: JSONValue = .emptyObject, raw: String? = nil) {
        self.header = header
        self.payload = payload
        self.raw = raw ?? Directive.envelope(header: header, payload: payload)
    }

    /// The JSON envelope AVS would send for this header and payload.
    static func envelope(header: MessageHeader, payload: JSONValue) -> String {
        var writer = JSONWriter()
        writer.writeRaw("{\"directive\":{\"header\":")
        header.write(to: &writer)
        writer.writeRaw(",\"payload\":")
        writer.write(payload)
        writer.writeRaw("}}")
        return writer.text
    }
}

/// Why a directive part could not be understood. Always carries the raw text, because the
/// answer to a bad directive (`System.ExceptionEncountered`) must quote it.
public enum DirectiveParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not JSON at all.
    case malformedJSON(raw: String)
    /// The JSON lacks the envelope, a header field or the payload (named by a dotted path).
    case missingField(String, raw: String)

    public var raw: String {
        switch self {
        case .malformedJSON(let raw), .missingField(_, let raw): raw
        }
    }

    public var description: String {
        switch self {
        case .malformedJSON: "directive is not valid JSON"
        case .missingField(let field, _): "directive has no \(field)"
        }
    }
}

/// Parses one directive part. Also accepts the bare `{"header":..,"payload":..}` form that
/// AVS uses for the JSON body of a non-2xx answer (a `System.Exception`).
public func parseDirective(_ bytes: [UInt8]) -> Result<Directive, DirectiveParseError> {
    let raw = String(decoding: bytes, as: UTF8.self)
    guard let json = try? JSONValue(parsing: bytes) else { return .failure(.malformedJSON(raw: raw)) }
    let body: JSONValue
    let prefix: String
    if let directive = json["directive"] {
        body = directive
        prefix = "directive."
    } else if json["header"] != nil {
        body = json
        prefix = ""
    } else {
        return .failure(.missingField("directive", raw: raw))
    }
    guard let header = body["header"], header.objectValue != nil else {
        return .failure(.missingField(prefix + "header", raw: raw))
    }
    func field(_ name: String) -> Result<String, DirectiveParseError> {
        guard let value = header[name]?.stringValue else {
            return .failure(.missingField(prefix + "header." + name, raw: raw))
        }
        return .success(value)
    }
    do {
        let namespace = try field("namespace").get()
        let name = try field("name").get()
        let messageId = try field("messageId").get()
        let dialogRequestId = header["dialogRequestId"]?.stringValue
        guard let payload = body["payload"] else {
            return .failure(.missingField(prefix + "payload", raw: raw))
        }
        let messageHeader = MessageHeader(
            namespace: namespace, name: name, messageId: messageId, dialogRequestId: dialogRequestId)
        return .success(Directive(header: messageHeader, payload: payload, raw: raw))
    } catch {
        return .failure(error)
    }
}
