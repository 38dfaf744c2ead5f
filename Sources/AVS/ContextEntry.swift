/// One capability's state, sent in an event's context:
/// `{"header":{"namespace","name"},"payload":{...}}`.
public struct ContextEntry: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var payload: JSONValue

    public init(namespace: String, name: String, payload: JSONValue) {
        self.namespace = namespace
        self.name = name
        self.payload = payload
    }

    func write(to writer: inout JSONWriter) {
        writer.writeRaw("{\"header\":")
        writer.writeObject([("namespace", .string(namespace)), ("name", .string(name))])
        writer.writeRaw(",\"payload\":")
        writer.write(payload)
        writer.writeRaw("}")
    }
}
