/// One alert as `Alerts.SetAlert` describes it, and as the store keeps it.
public struct Alert: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case alarm = "ALARM", timer = "TIMER", reminder = "REMINDER"
    }

    /// A sound the cloud offers for the alert (`assets[]`): fetched when it is due, if the
    /// network allows; otherwise the local tone plays.
    public struct Asset: Sendable, Hashable, Codable {
        public var id: String
        public var url: String

        public init(id: String, url: String) {
            self.id = id
            self.url = url
        }
    }

    public var token: String
    public var kind: Kind
    public var scheduledTime: AlertTime
    public var assets: [Asset]
    /// Asset ids in the order they play, one loop.
    public var assetPlayOrder: [String]
    /// How many times the play order repeats (nil: until stopped or the hour is up).
    public var loopCount: Int?
    public var loopPauseInMilliseconds: Int

    public init(token: String, kind: Kind, scheduledTime: AlertTime, assets: [Asset] = [], assetPlayOrder: [String] = [],
                loopCount: Int? = nil, loopPauseInMilliseconds: Int = 0) {
        self.token = token
        self.kind = kind
        self.scheduledTime = scheduledTime
        self.assets = assets
        self.assetPlayOrder = assetPlayOrder
        self.loopCount = loopCount
        self.loopPauseInMilliseconds = loopPauseInMilliseconds
    }

    /// Why a SetAlert payload is not an alert.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case missing(String)
        case invalid(String, String)

        public var description: String {
            switch self {
            case .missing(let field): "SetAlert has no \(field)"
            case .invalid(let field, let value): "SetAlert \(field) \"\(value)\" is not valid"
            }
        }
    }

    /// Reads a SetAlert payload.
    public static func parse(_ payload: JSONValue) -> Result<Alert, ParseError> {
        guard let token = payload["token"]?.stringValue, !token.isEmpty else { return .failure(.missing("token")) }
        guard let type = payload["type"]?.stringValue else { return .failure(.missing("type")) }
        guard let kind = Kind(rawValue: type) else { return .failure(.invalid("type", type)) }
        guard let text = payload["scheduledTime"]?.stringValue else { return .failure(.missing("scheduledTime")) }
        guard let time = AlertTime(iso8601: text) else { return .failure(.invalid("scheduledTime", text)) }
        let assets: [Asset] = (payload["assets"]?.alertElements ?? []).compactMap { asset in
            guard let id = asset["assetId"]?.stringValue, let url = asset["url"]?.stringValue else { return nil }
            return Asset(id: id, url: url)
        }
        let order = (payload["assetPlayOrder"]?.alertElements ?? []).compactMap(\.stringValue)
        let loops = payload["loopCount"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
        let pause = max(0, payload["loopPauseInMilliSeconds"]?.intValue ?? 0)
        return .success(Alert(token: token, kind: kind, scheduledTime: time, assets: assets,
                              assetPlayOrder: order.isEmpty ? assets.map(\.id) : order,
                              loopCount: loops, loopPauseInMilliseconds: pause))
    }

    /// The AlertsState form: `{"token","type","scheduledTime"}`.
    var contextValue: JSONValue {
        ["token": .string(token), "type": .string(kind.rawValue), "scheduledTime": .string(scheduledTime.iso8601)]
    }

    /// The asset URLs in play order (ids that name no asset are skipped).
    public var playlist: [String] {
        assetPlayOrder.compactMap { id in assets.first { $0.id == id }?.url }
    }
}

extension JSONValue {
    /// The elements of an array (nil for anything else).
    fileprivate var alertElements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
