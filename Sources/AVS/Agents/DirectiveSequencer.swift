/// Decides when each directive may run (the SDK's DirectiveProcessor):
///
/// - a directive whose non-empty `dialogRequestId` is not the current dialog's is dropped;
/// - a directive without one is run at once;
/// - `SpeechSynthesizer.Speak` blocks the directives after it in its dialog (an
///   `ExpectSpeech`, say) until its playback ends;
/// - a new dialog (a new Recognize) discards whatever the old one still had queued.
public struct DirectiveSequencer: Sendable {
    public enum Input: Sendable, Hashable {
        case directive(Directive)
        /// A Recognize with this `dialogRequestId` was sent.
        case newDialog(String)
        /// The blocking directive with this `messageId` finished (played or was cut off).
        case completed(messageId: String)
    }

    public enum Action: Sendable, Hashable {
        /// Run this directive now.
        case dispatch(Directive)
        /// Discarded: it belongs to another dialog.
        case drop(Directive)
    }

    private enum State: Sendable, Hashable {
        /// Directives of the current dialog run as they come.
        case open
        /// A blocking directive (its messageId) is running; the dialog's next ones wait.
        case blocked(by: String, queue: [Directive])
    }

    public private(set) var currentDialogRequestId: String?
    private var state = State.open

    public init() {}

    /// Directives waiting behind a blocking one.
    public var queued: [Directive] {
        if case .blocked(_, let queue) = state { return queue }
        return []
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        case (_, .directive(let directive)) where !belongsToCurrentDialog(directive):
            // Another dialog's answer (an interrupted turn, or one from before a restart).
            return [.drop(directive)]
        case (_, .directive(let directive)) where (directive.header.dialogRequestId ?? "").isEmpty:
            // Not part of any dialog (volume, StopCapture on the downchannel, ...): run now.
            return [.dispatch(directive)]
        case (.open, .directive(let directive)):
            // The dialog is free: run it, and block behind it if it is a Speak.
            if Self.blocks(directive) { state = .blocked(by: directive.header.messageId, queue: []) }
            return [.dispatch(directive)]
        case (.blocked(let blocker, let queue), .directive(let directive)):
            // Wait for the running Speak to end.
            state = .blocked(by: blocker, queue: queue + [directive])
            return []
        case (_, .newDialog(let id)):
            // A new turn replaces the old one and whatever it still had queued.
            currentDialogRequestId = id
            state = .open
            return []
        case (.blocked(let blocker, let queue), .completed(let messageId)) where messageId == blocker:
            // The Speak ended: release the queue up to (and including) the next blocking directive.
            state = .open
            var actions: [Action] = []
            for (index, directive) in queue.enumerated() {
                actions.append(.dispatch(directive))
                if Self.blocks(directive) {
                    state = .blocked(by: directive.header.messageId, queue: Array(queue[(index + 1)...]))
                    break
                }
            }
            return actions
        case (_, .completed):
            // A directive that no longer blocks anything (its dialog was replaced) ended.
            return []
        }
    }

    private func belongsToCurrentDialog(_ directive: Directive) -> Bool {
        guard let id = directive.header.dialogRequestId, !id.isEmpty else { return true }
        return id == currentDialogRequestId
    }

    /// Directives that hold back the rest of their dialog while they run.
    static func blocks(_ directive: Directive) -> Bool {
        directive.header.namespace == "SpeechSynthesizer" && directive.header.name == "Speak"
    }
}
