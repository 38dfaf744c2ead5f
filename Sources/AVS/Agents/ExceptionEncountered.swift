/// `System.ExceptionEncountered` error types.
public enum ExceptionErrorType: String, Sendable, Hashable {
    /// A directive this device does not implement.
    case unsupportedOperation = "UNSUPPORTED_OPERATION"
    /// A directive that is malformed or whose payload is wrong.
    case unexpectedInformationReceived = "UNEXPECTED_INFORMATION_RECEIVED"
    case internalError = "INTERNAL_ERROR"
}

extension Event {
    /// The answer to a directive that could not be handled. It carries an empty context list,
    /// as AVS requires for this event.
    public static func exceptionEncountered(
        unparsedDirective: String, type: ExceptionErrorType, message: String, messageId: String
    ) -> Event {
        Event(
            header: MessageHeader(namespace: "System", name: "ExceptionEncountered", messageId: messageId),
            payload: [
                "unparsedDirective": .string(unparsedDirective),
                "error": ["type": .string(type.rawValue), "message": .string(message)],
            ],
            context: [])
    }
}

extension AVSAction {
    /// Sends ExceptionEncountered for `directive`.
    static func reject(
        _ directive: Directive, _ type: ExceptionErrorType, _ message: String, ids: inout MessageIDSource
    ) -> AVSAction {
        .sendEvent(.exceptionEncountered(unparsedDirective: directive.raw, type: type, message: message, messageId: ids.makeID()))
    }
}
