/// The AVS endpoint the cloud moved this device to (`Alexa.ApiGateway.SetGateway`
/// `payload.gateway`, or the legacy `System.SetEndpoint` `payload.endpoint`), kept in
/// `<state dir>/avs-endpoint` so a restart connects there too.
public struct EndpointStore: Sendable {
    public let directory: String
    public var path: String { directory + "/avs-endpoint" }

    public init(directory: String) {
        self.directory = directory
    }

    /// The stored endpoint, or `nil` when the cloud never moved the device.
    public func load() -> String? {
        guard let text = try? readSmallFile(path) else { return nil }
        let endpoint = text.trimmingWhitespace()
        return Self.isAcceptable(endpoint) ? endpoint : nil
    }

    public func save(_ endpoint: String) throws(TokenStoreError) {
        try writeAtomically(Array((endpoint + "\n").utf8), to: path)
    }

    /// Only `https://` URLs are followed: a directive must never downgrade the transport.
    public static func isAcceptable(_ endpoint: String) -> Bool {
        endpoint.hasPrefix("https://") && endpoint.count > "https://".count && !endpoint.contains(where: \.isWhitespace)
    }
}

/// The text of a small file, `nil` when it does not exist.
func readSmallFile(_ path: String) throws(TokenStoreError) -> String? {
    return try readFileBytes(path).map { String(decoding: $0, as: UTF8.self) }
}
