/// Code-based linking gave up (`LWAAuthorizer.link`): what went wrong, where, and what to do.
public struct CodePairLinkingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var failure: CodePairLinkingMachine.Failure
    /// The Login with Amazon base URL that was tried (`auth.lwa_url`).
    public var lwaURL: String
    /// How long linking ran before giving up.
    public var after: Duration

    public init(failure: CodePairLinkingMachine.Failure, lwaURL: String, after: Duration) {
        self.failure = failure
        self.lwaURL = lwaURL
        self.after = after
    }

    public var description: String {
        let seconds = after.components.seconds
        switch failure {
        case .unreachable(let lastError):
            return """
                could not get a code from Login with Amazon at \(lwaURL) in \(seconds) s (last error: \(lastError)). \
                Check the network connection and auth.lwa_url (and avs.ca_file for a test server), then run `hark login` again.
                """
        case .notApproved:
            return """
                the code was not approved within \(seconds) s. Run `hark login` again and enter the new code \
                (or give it longer with --timeout).
                """
        }
    }
}
