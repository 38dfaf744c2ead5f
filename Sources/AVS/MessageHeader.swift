/// The header of an AVS directive or event.
public struct MessageHeader: Codable, Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var messageId: String
    /// Present on messages that belong to a dialog turn (Recognize and its answers).
    public var dialogRequestId: String?

    public init(namespace: String, name: String, messageId: String, dialogRequestId: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.messageId = messageId
        self.dialogRequestId = dialogRequestId
    }

    /// "Namespace.Name", for logs and errors.
    public var qualifiedName: String { namespace + "." + name }


    /// Writes the header with its members in the order AVS documents them.
    func write(to writer: inout JSONWriter) {
        var members: [(String, JSONValue)] = [
            ("namespace", .string(namespace)), ("name", .string(name)), ("messageId", .string(messageId)),
        ]
        if let dialogRequestId { members.append(("dialogRequestId", .string(dialogRequestId))) }
        writer.writeObject(members)
    }
}
