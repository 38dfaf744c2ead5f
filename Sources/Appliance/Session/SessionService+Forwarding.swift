import AVS

extension SessionService {
    /// A directive the dialog released for an agent outside it. Without such an agent, AVS
    /// hears that the device does not support it (as for any unknown directive).
    func forward(_ directive: Directive) {
        guard !bridge.deliver(directive) else { return }
        var ids = MessageIDSource()
        logger.warning("no agent for directive", metadata: ["directive": "\(directive.header.qualifiedName)"])
        eventQueue.yield(.exceptionEncountered(
            unparsedDirective: directive.raw, type: .unsupportedOperation,
            message: "unsupported directive \(directive.header.qualifiedName)", messageId: ids.makeID()))
    }

    /// Sends an event that may be lost with the connection (fire and forget, in session
    /// order). Events that must arrive go through the outbox instead.
    public nonisolated func send(_ event: Event) {
        eventQueue.yield(event)
    }
}
