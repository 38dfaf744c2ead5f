/// An event sent to AVS:
/// `{"context":[...],"event":{"header":{...},"payload":{...}}}`.
public struct Event: Sendable, Hashable {
    public var header: MessageHeader
    public var payload: JSONValue
    /// The device state. `nil` leaves the member out; `[]` sends an empty list (as
    /// `System.ExceptionEncountered` must).
    public var context: [ContextEntry]?

    public init(header: MessageHeader, payload: JSONValue = .emptyObject, context: [ContextEntry]? = nil) {
        self.header = header
        self.payload = payload
        self.context = context
    }

    /// The `metadata` part of the event request.
    public func jsonBytes() -> [UInt8] {
        Array(jsonText.utf8)
    }

    public var jsonText: String {
        var writer = JSONWriter()
        writer.writeRaw("{")
        if let context {
            writer.writeRaw("\"context\":[")
            for (index, entry) in context.enumerated() {
                if index > 0 { writer.writeRaw(",") }
                entry.write(to: &writer)
            }
            writer.writeRaw("],")
        }
        writer.writeRaw("\"event\":{\"header\":")
        header.write(to: &writer)
        writer.writeRaw(",\"payload\":")
        // An absent or null payload is still sent as `{}`: AVS rejects a missing one.
        writer.write(payload == .null ? .emptyObject : payload)
        writer.writeRaw("}}")
        return writer.text
    }
}
