import AVS
import Curl

/// Login with Amazon settings (`auth.*` in the configuration).
public struct LWAConfiguration: Sendable {
    /// Base URL the `create/codepair` and `token` paths are appended to (`auth.lwa_url`).
    public var baseURL: String
    /// The security profile's client id (`auth.client_id`).
    public var clientID: String
    /// Sent with refresh grants when set (profiles linked through a companion site).
    public var clientSecret: String?
    /// The AVS product id (`auth.product_id`).
    public var productID: String
    /// This device's serial number (`auth.device_serial`).
    public var deviceSerialNumber: String
    /// CA bundle for the LWA server; `nil` for the system bundle.
    public var caFile: String?

    public init(
        baseURL: String = "https://api.amazon.com/auth/O2/", clientID: String, clientSecret: String? = nil,
        productID: String, deviceSerialNumber: String, caFile: String? = nil
    ) {
        self.baseURL = baseURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.productID = productID
        self.deviceSerialNumber = deviceSerialNumber
        self.caFile = caFile
    }
}

/// Why a code-pair request failed.
public struct LWAError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

/// The Login with Amazon HTTP calls: form-encoded POSTs answered with JSON.
public final class LWAClient: Sendable {
    public let configuration: LWAConfiguration
    private let http: CurlHTTPClient

    public init(configuration: LWAConfiguration, driver: CurlDriver = .system) throws(CurlError) {
        self.configuration = configuration
        http = try CurlHTTPClient(configuration: .init(caFile: configuration.caFile), driver: driver)
    }

    /// Ends any request and waits for the curl thread to exit; before the process exits (see
    /// `CurlAVSConnection.shutdown()`).
    public func shutdown() {
        http.shutdown()
    }

    /// `POST create/codepair` with `response_type=device_code`, `client_id`, `scope=alexa:all`
    /// and `scope_data` naming the product and this device's serial number.
    public func requestCodePair() async -> Result<CodePair, LWAError> {
        let scopeData: JSONValue = [
            "alexa:all": [
                "productID": .string(configuration.productID),
                "productInstanceAttributes": ["deviceSerialNumber": .string(configuration.deviceSerialNumber)],
            ]
        ]
        let response = await post("create/codepair", [
            ("response_type", "device_code"), ("client_id", configuration.clientID),
            ("scope", "alexa:all"), ("scope_data", scopeData.jsonText),
        ])
        switch response {
        case .failure(let error):
            return .failure(LWAError(description: "code pair request failed: \(error)"))
        case .success(let (status, json)):
            guard status == 200, let userCode = json?["user_code"]?.stringValue,
                let deviceCode = json?["device_code"]?.stringValue,
                let uri = json?["verification_uri"]?.stringValue,
                let expiresIn = json?["expires_in"]?.doubleValue
            else {
                return .failure(LWAError(description: "code pair request answered \(status): \(Self.errorText(json))"))
            }
            let interval = json?["interval"]?.doubleValue ?? 5
            return .success(CodePair(
                userCode: userCode, deviceCode: deviceCode, verificationURI: uri,
                expiresIn: .seconds(expiresIn), interval: .seconds(max(interval, 1))))
        }
    }

    /// `POST token` with `grant_type=device_code`.
    public func pollToken(_ pair: CodePair) async -> CodePairPollResult {
        let response = await post("token", [
            ("grant_type", "device_code"), ("device_code", pair.deviceCode), ("user_code", pair.userCode),
        ])
        switch response {
        case .failure(let error):
            return .failed("\(error)")
        case .success(let (status, json)):
            if status == 200, let grant = Self.grant(json) { return .granted(grant) }
            switch json?["error"]?.stringValue {
            case "authorization_pending": return .pending
            case "slow_down": return .slowDown
            case "invalid_code_pair", "expired_token": return .invalidCodePair
            default: return .failed("token poll answered \(status): \(Self.errorText(json))")
            }
        }
    }

    /// `POST token` with `grant_type=refresh_token` (and `client_secret` when configured).
    public func refresh(_ token: RefreshToken) async -> Result<TokenGrant, TokenRefreshMachine.RefreshFailure> {
        var form = [("grant_type", "refresh_token"), ("refresh_token", token.secret), ("client_id", configuration.clientID)]
        if let secret = configuration.clientSecret { form.append(("client_secret", secret)) }
        switch await post("token", form) {
        case .failure(let error):
            return .failure(.transient("\(error)"))
        case .success(let (status, json)):
            if status == 200, let grant = Self.grant(json) { return .success(grant) }
            if json?["error"]?.stringValue == "invalid_grant" { return .failure(.invalidGrant) }
            return .failure(.transient("refresh answered \(status): \(Self.errorText(json))"))
        }
    }

    private static func grant(_ json: JSONValue?) -> TokenGrant? {
        guard let access = json?["access_token"]?.stringValue, let expiresIn = json?["expires_in"]?.doubleValue else {
            return nil
        }
        return TokenGrant(
            accessToken: AccessToken(access), refreshToken: json?["refresh_token"]?.stringValue.map(RefreshToken.init),
            expiresIn: .seconds(expiresIn))
    }

    /// The `error` and `error_description` of an LWA error answer (never a token).
    private static func errorText(_ json: JSONValue?) -> String {
        let error = json?["error"]?.stringValue ?? "no error code"
        let description = json?["error_description"]?.stringValue.map { ": " + $0 } ?? ""
        return error + description
    }

    private func post(_ path: String, _ form: [(String, String)]) async -> Result<(Int, JSONValue?), CurlError> {
        let base = configuration.baseURL.hasSuffix("/") ? configuration.baseURL : configuration.baseURL + "/"
        let body = Array(formURLEncoded(form).utf8)
        let request = HTTPRequest(
            method: .post, url: base + path, headers: ["content-type: application/x-www-form-urlencoded"],
            body: RequestBody(bytes: body), noProgressTimeout: .seconds(30), timeout: .seconds(60))
        let collected = Locked<(status: Int, body: [UInt8])>((0, []))
        let result = OnceResult<Result<(Int, JSONValue?), CurlError>>()
        http.start(request) { event in
            switch event {
            case .head(let head):
                collected.withLock { $0.status = head.status }
            case .body(let bytes):
                // LWA answers are small JSON objects; anything beyond 64 KB is not one.
                collected.withLock { if $0.body.count < 65_536 { $0.body += bytes } }
            case .end(.success):
                let (status, bytes) = collected.withLock { ($0.status, $0.body) }
                result.complete(.success((status, try? JSONValue(parsing: bytes))))
            case .end(.failure(let error)):
                result.complete(.failure(error))
            }
        }
        return await result.value
    }
}

/// `application/x-www-form-urlencoded`: unreserved characters as they are, everything else
/// percent-encoded from UTF-8.
func formURLEncoded(_ fields: [(String, String)]) -> String {
    func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
    return fields.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
}
