/// The System capability agent: SynchronizeState, hourly UserInactivityReport,
/// ResetUserInactivity, and AVS's own Exception and SetEndpoint directives.
public struct SystemAgent: Sendable {
    public static let inactivityReportInterval: Duration = .seconds(3600)

    public enum Input: Sendable, Hashable {
        /// The session started: begin counting inactivity.
        case start
        /// The user did something (button, speech): inactivity starts over.
        case activity
        case directive(Directive)
        case timerFired(TimerID)
    }

    /// Whole hours without user activity (the report counts in seconds).
    public private(set) var inactiveHours = 0
    private var started = false
    private var ids: MessageIDSource

    public init(ids: MessageIDSource = MessageIDSource()) {
        self.ids = ids
    }

    /// `System.SynchronizeState` with the full context, sent once per connection.
    public mutating func synchronizeState(context: [ContextEntry]) -> Event {
        Event(header: header("SynchronizeState"), context: context)
    }

    public mutating func handle(_ input: Input) -> [AVSAction] {
        switch (started, input) {
        case (false, .start):
            // The first hour starts now.
            started = true
            inactiveHours = 0
            return [.schedule(.userInactivity, after: Self.inactivityReportInterval)]
        case (true, .start), (false, .activity), (false, .timerFired):
            // Already counting, or not started yet.
            return []
        case (true, .activity):
            // Restart the hour (scheduling a running timer again moves it).
            inactiveHours = 0
            return [.schedule(.userInactivity, after: Self.inactivityReportInterval)]
        case (true, .timerFired(.userInactivity)):
            // Another idle hour: report the total and wait for the next.
            inactiveHours += 1
            let report = Event(header: header("UserInactivityReport"),
                               payload: ["inactiveTimeInSeconds": .number(Double(inactiveHours * 3600))])
            return [.sendEvent(report), .schedule(.userInactivity, after: Self.inactivityReportInterval)]
        case (true, .timerFired):
            // Not this agent's timer.
            return []
        case (_, .directive(let directive)):
            return system(directive)
        }
    }

    private mutating func system(_ directive: Directive) -> [AVSAction] {
        switch directive.header.name {
        case "ResetUserInactivity":
            // AVS saw activity elsewhere (another device, the app).
            inactiveHours = 0
            return started ? [.schedule(.userInactivity, after: Self.inactivityReportInterval)] : []
        case "Exception":
            // AVS rejected something we sent: log and surface it.
            let code = directive.payload["code"]?.stringValue ?? "UNKNOWN"
            let description = directive.payload["description"]?.stringValue ?? ""
            return [.systemException(code: code, description: description)]
        case "SetEndpoint":
            // Legacy form of SetGateway.
            guard let endpoint = directive.payload["endpoint"]?.stringValue, !endpoint.isEmpty else {
                return [.reject(directive, .unexpectedInformationReceived, "SetEndpoint needs an endpoint", ids: &ids)]
            }
            return [.changeEndpoint(endpoint)]
        default:
            return [.reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)", ids: &ids)]
        }
    }

    private mutating func header(_ name: String) -> MessageHeader {
        MessageHeader(namespace: "System", name: name, messageId: ids.makeID())
    }
}
