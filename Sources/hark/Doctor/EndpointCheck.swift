import Curl
import Synchronization

/// Whether the AVS endpoint resolves, connects and passes TLS verification: a real HTTP/2 +
/// TLS request (`GET /ping`) through the same libcurl client `hark run` uses, verifying with
/// `avs.ca_file` (or the system's trust store). Any HTTP status means TLS verified.
enum EndpointCheck {
    static let name = "AVS endpoint"

    static func run(endpoint: String, caFile: String?) async -> DoctorCheck {
        let url = (endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint) + "/ping"
        let trust = caFile.map { "avs.ca_file \($0)" } ?? "the system's trust store"
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: .init(caFile: caFile, maxConcurrentStreams: 1, connectTimeout: .seconds(10)))
        } catch {
            return .failed(name, "libcurl cannot start: \(error)", fix: "reinstall libcurl4 (`apt install --reinstall libcurl4`)",
                           exitCode: Sysexits.software)
        }
        let result = await get(url, with: client)
        client.shutdown()
        switch result {
        case .success(let status):
            return .passed(name, "\(endpoint) resolves, connects and TLS verifies with \(trust) (GET /ping answered \(status))")
        case .failure(let error):
            let (problem, fix) = explain(error, endpoint: endpoint, trust: trust, caFile: caFile)
            return .failed(name, "\(endpoint): \(problem) (\(error))", fix: fix, exitCode: Sysexits.temporaryFailure)
        }
    }

    /// The status of `GET url`, or the libcurl error that ended it.
    private static func get(_ url: String, with client: CurlHTTPClient) async -> Result<Int, CurlError> {
        await withCheckedContinuation { continuation in
            let status = StatusBox()
            client.start(HTTPRequest(method: .get, url: url, noProgressTimeout: .seconds(15), timeout: .seconds(20))) { event in
                // Events arrive in order on the curl thread; exactly one `.end` per transfer.
                switch event {
                case .head(let head): status.set(head.status)
                case .body: break
                case .end(.success): continuation.resume(returning: .success(status.value))
                case .end(.failure(let error)): continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    /// The problem in plain words and its fix, for the libcurl codes a misconfigured or
    /// offline board produces.
    static func explain(_ error: CurlError, endpoint: String, trust: String, caFile: String?) -> (String, String) {
        switch error.code {
        case 6:  // CURLE_COULDNT_RESOLVE_HOST
            return ("the host name does not resolve",
                    "check the network and DNS (`getent hosts HOST`), and the spelling of avs.endpoint")
        case 7:  // CURLE_COULDNT_CONNECT
            return ("the connection was refused or the host is unreachable",
                    "check the network (`ip route`, a firewall) and that avs.endpoint names the right host and port")
        case 28:  // CURLE_OPERATION_TIMEDOUT
            return ("no answer in time", "check the network; a proxy or captive portal may be in the way")
        case 60:  // CURLE_PEER_FAILED_VERIFICATION
            let ca = caFile == nil
                ? "set avs.ca_file to the CA that signed the server's certificate, or fix the system's trust store (`update-ca-certificates`)"
                : "set avs.ca_file to the CA that signed the server's certificate, or remove it to use the system's trust store"
            return ("the server's certificate does not verify against \(trust)", ca + "; also check the clock (a wrong date fails every certificate)")
        case 77:  // CURLE_SSL_CACERT_BADFILE
            return ("the CA file cannot be read", "make \(caFile ?? "the CA bundle") a readable PEM file, or remove avs.ca_file to use the system's trust store")
        case 35:  // CURLE_SSL_CONNECT_ERROR
            return ("the TLS handshake failed", "check avs.endpoint is an https:// AVS gateway and that nothing intercepts TLS on this network")
        default:
            return ("the request failed", "check the network and avs.endpoint")
        }
    }
}

/// The response status, set on the curl thread and read when the transfer ends there too.
private final class StatusBox: Sendable {
    private let status = Mutex(0)
    func set(_ value: Int) { status.withLock { $0 = value } }
    var value: Int { status.withLock { $0 } }
}
