import Foundation

/// An HTTP answer built by the simulator's logic, before it is written to a stream.
public struct SimAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String? = nil, body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ status: Int, _ value: SimJSON) -> SimAnswer {
        SimAnswer(status: status, contentType: "application/json", body: Array(value.text.utf8))
    }

    /// The JSON exception body AVS sends with a non-2xx status.
    public static func exception(_ status: Int, _ description: String) -> SimAnswer {
        json(status, SimDirectives.exception(code: SimDirectives.exceptionCode(status: status), description: description))
    }

    public static let noContent = SimAnswer(status: 204)
}

/// Login with Amazon as the simulator plays it: code pairs, the device-code and refresh
/// grants, and which access tokens are valid. A value type; time is passed in.
public struct LoginWithAmazon: Sendable {
    struct CodePair: Sendable {
        var userCode: String
        var expires: ContinuousClock.Instant
        var polls = 0
        var consumed = false
    }

    public let settings: AuthSettings
    private var codePairs: [String: CodePair] = [:]
    private var accessTokens: [String: ContinuousClock.Instant] = [:]
    private var refreshTokens: Set<String> = []
    /// How many refresh grants succeeded.
    public private(set) var refreshCount = 0
    /// How many tokens were issued through code pairs.
    public private(set) var linkCount = 0

    public init(settings: AuthSettings, now: ContinuousClock.Instant) {
        self.settings = settings
        if let token = settings.accessToken {
            accessTokens[token] = now.advanced(by: .seconds(settings.accessTokenLifetimeSeconds))
        }
        if let token = settings.refreshToken { refreshTokens.insert(token) }
    }

    /// Whether `authorization: Bearer <token>` names a live token the simulator issued.
    public func isAuthorized(_ authorization: String?, now: ContinuousClock.Instant) -> Bool {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let token = String(authorization.dropFirst("Bearer ".count))
        guard let expires = accessTokens[token] else { return false }
        return now < expires
    }

    /// Revokes every access token issued so far: requests answer 403 until the client
    /// refreshes (refresh tokens stay valid).
    public mutating func revokeAccessTokens() {
        accessTokens.removeAll()
    }

    /// Revokes a refresh token: its next refresh grant answers `invalid_grant`.
    public mutating func revokeRefreshTokens() {
        refreshTokens.removeAll()
    }

    /// `POST /auth/O2/create/codepair`.
    public mutating func createCodePair(_ form: [String: String], now: ContinuousClock.Instant) -> SimAnswer {
        guard form["response_type"] == "device_code" else {
            return lwaError("invalid_request", "response_type must be device_code")
        }
        guard form["client_id"] == settings.clientID else { return lwaError("invalid_client", "unknown client_id", status: 401) }
        guard form["scope"] == "alexa:all" else { return lwaError("invalid_scope", "scope must be alexa:all") }
        guard let scopeData = form["scope_data"].flatMap({ SimJSON.parse(Array($0.utf8)) }),
              let product = scopeData["alexa:all"],
              product["productID"]?.stringValue?.isEmpty == false,
              product["productInstanceAttributes"]?["deviceSerialNumber"]?.stringValue?.isEmpty == false
        else {
            return lwaError("invalid_request", "scope_data must be {\"alexa:all\":{\"productID\":...,\"productInstanceAttributes\":{\"deviceSerialNumber\":...}}}")
        }
        let deviceCode = Self.randomToken(prefix: "")
        let userCode = String(Self.randomToken(prefix: "").uppercased().prefix(6))
        codePairs[deviceCode] = CodePair(
            userCode: userCode, expires: now.advanced(by: .seconds(settings.codePairLifetimeSeconds)))
        return .json(200, [
            "user_code": .string(userCode),
            "device_code": .string(deviceCode),
            "verification_uri": "https://amazon.com/us/code",
            "expires_in": .number(Double(settings.codePairLifetimeSeconds)),
            "interval": .number(Double(settings.pollIntervalSeconds)),
        ])
    }

    /// `POST /auth/O2/token`.
    public mutating func token(_ form: [String: String], now: ContinuousClock.Instant) -> SimAnswer {
        switch form["grant_type"] {
        case "device_code":
            return deviceCodeGrant(form, now: now)
        case "refresh_token":
            return refreshGrant(form, now: now)
        case nil:
            return lwaError("invalid_request", "grant_type missing")
        case let other?:
            return lwaError("unsupported_grant_type", "grant_type \(other) is not supported")
        }
    }

    private mutating func deviceCodeGrant(_ form: [String: String], now: ContinuousClock.Instant) -> SimAnswer {
        guard let deviceCode = form["device_code"], var pair = codePairs[deviceCode],
              form["user_code"] == pair.userCode, !pair.consumed
        else {
            return lwaError("invalid_code_pair", "unknown or used code pair")
        }
        guard now < pair.expires else {
            codePairs[deviceCode] = nil
            return lwaError("expired_token", "the code pair expired")
        }
        pair.polls += 1
        defer { codePairs[deviceCode] = pair }
        if settings.slowDownPolls.contains(pair.polls) {
            return lwaError("slow_down", "polling too fast")
        }
        let pendingSoFar = (1..<pair.polls).filter { !settings.slowDownPolls.contains($0) }.count
        if pendingSoFar < settings.pendingPolls {
            return lwaError("authorization_pending", "the user has not yet approved the code")
        }
        pair.consumed = true
        linkCount += 1
        let refresh = Self.randomToken(prefix: "Atzr|")
        refreshTokens.insert(refresh)
        return issue(refreshToken: refresh, now: now)
    }

    private mutating func refreshGrant(_ form: [String: String], now: ContinuousClock.Instant) -> SimAnswer {
        guard form["client_id"] == settings.clientID else { return lwaError("invalid_client", "unknown client_id", status: 401) }
        if let secret = form["client_secret"], let expected = settings.clientSecret, secret != expected {
            return lwaError("invalid_client", "wrong client_secret", status: 401)
        }
        guard let refresh = form["refresh_token"], refreshTokens.contains(refresh) else {
            return lwaError("invalid_grant", "the refresh token is not valid")
        }
        refreshCount += 1
        return issue(refreshToken: refresh, now: now)
    }

    private mutating func issue(refreshToken: String, now: ContinuousClock.Instant) -> SimAnswer {
        let access = Self.randomToken(prefix: "Atza|")
        accessTokens[access] = now.advanced(by: .seconds(settings.accessTokenLifetimeSeconds))
        return .json(200, [
            "access_token": .string(access),
            "refresh_token": .string(refreshToken),
            "token_type": "bearer",
            "expires_in": .number(Double(settings.accessTokenLifetimeSeconds)),
        ])
    }

    private func lwaError(_ code: String, _ description: String, status: Int = 400) -> SimAnswer {
        .json(status, ["error": .string(code), "error_description": .string(description)])
    }

    static func randomToken(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        return prefix + hex
    }
}

/// Parses an `application/x-www-form-urlencoded` body; nil when it is not one.
public func parseFormURLEncoded(_ bytes: [UInt8]) -> [String: String]? {
    var result: [String: String] = [:]
    let text = String(decoding: bytes, as: UTF8.self)
    for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
        let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ part: Substring) -> String? {
            part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        guard let key = decode(pieces[0]) else { return nil }
        guard let value = pieces.count > 1 ? decode(pieces[1]) : "" else { return nil }
        result[key] = value
    }
    return result
}
