/// A Login with Amazon refresh token: the long-lived secret that stays on disk.
///
/// Its `description` never shows the value, so logging or interpolating it is harmless;
/// only `TokenStore` and the refresh request read `secret`.
public struct RefreshToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself. Never log it.
    public let secret: String

    public init(_ secret: String) {
        self.secret = secret
    }

    public var description: String { "RefreshToken(redacted)" }
    public var debugDescription: String { description }
}

/// A Login with Amazon access token, kept in memory only, sent as `authorization: Bearer`.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The token itself. Never log it.
    public let secret: String

    public init(_ secret: String) {
        self.secret = secret
    }

    /// The request header line carrying it.
    public var authorizationHeader: String { "authorization: Bearer " + secret }

    public var description: String { "AccessToken(redacted)" }
    public var debugDescription: String { description }
}

/// What a successful token grant returns (`access_token`, `refresh_token`, `expires_in`).
public struct TokenGrant: Sendable, Hashable {
    public var accessToken: AccessToken
    /// LWA may rotate the refresh token; `nil` keeps the current one.
    public var refreshToken: RefreshToken?
    /// `expires_in`.
    public var expiresIn: Duration

    public init(accessToken: AccessToken, refreshToken: RefreshToken?, expiresIn: Duration) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }
}
