import Foundation
import HarkSimulator
import Testing

/// Code-based linking and refresh over the wire, on HTTP/1.1 and HTTP/2.
@Suite struct LoginFlowTests {
    func form(_ fields: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&").utf8)
    }

    @Test(arguments: [true, false])
    func codePairFlowThenRefreshThenTheTokenWorks(http1: Bool) async throws {
        let sim = try await SimulatorHarness(toml: """
            [auth]
            access_token = ""
            pending_polls = 1
            slow_down_polls = [2]
            """)
        defer { sim.finish() }
        let formType = "application/x-www-form-urlencoded"
        let pair = try await sim.curl("/auth/O2/create/codepair", method: "POST", token: nil, contentType: formType, body: form([
            ("response_type", "device_code"), ("client_id", "hark-sim-client"), ("scope", "alexa:all"),
            ("scope_data", #"{"alexa:all":{"productID":"hark","productInstanceAttributes":{"deviceSerialNumber":"1"}}}"#),
        ]), http1: http1)
        #expect(pair.status == 200)
        #expect(pair.httpVersion == (http1 ? "1.1" : "2"))
        let deviceCode = try #require(pair.json?["device_code"]?.stringValue)
        let userCode = try #require(pair.json?["user_code"]?.stringValue)
        let poll = form([("grant_type", "device_code"), ("device_code", deviceCode), ("user_code", userCode)])
        var answers: [String] = []
        for _ in 0..<2 {
            let result = try await sim.curl("/auth/o2/token", method: "POST", token: nil, contentType: formType, body: poll, http1: http1)
            #expect(result.status == 400)
            answers.append(result.json?["error"]?.stringValue ?? "?")
        }
        #expect(answers == ["authorization_pending", "slow_down"])
        let tokens = try await sim.curl("/auth/O2/token", method: "POST", token: nil, contentType: formType, body: poll, http1: http1)
        #expect(tokens.status == 200)
        let refresh = try #require(tokens.json?["refresh_token"]?.stringValue)
        let firstAccess = try #require(tokens.json?["access_token"]?.stringValue)
        #expect(try await sim.curl("/ping", token: firstAccess).status == 204)

        let refreshed = try await sim.curl("/auth/O2/token", method: "POST", token: nil, contentType: formType, body: form([
            ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "hark-sim-client"),
        ]), http1: http1)
        #expect(refreshed.status == 200)
        #expect(refreshed.json?["expires_in"]?.numberValue == 3600)
        let access = try #require(refreshed.json?["access_token"]?.stringValue)
        #expect(access != firstAccess)
        #expect(try await sim.curl("/ping", token: access).status == 204)

        let unknown = try await sim.curl("/auth/O2/token", method: "POST", token: nil, contentType: formType, body: form([
            ("grant_type", "refresh_token"), ("refresh_token", "Atzr|nope"), ("client_id", "hark-sim-client"),
        ]), http1: http1)
        #expect(unknown.json?["error"]?.stringValue == "invalid_grant")
        let badClient = try await sim.curl("/auth/O2/token", method: "POST", token: nil, contentType: formType, body: form([
            ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "someone-else"),
        ]), http1: http1)
        #expect(badClient.json?["error"]?.stringValue == "invalid_client")
    }

    @Test func tokenEndpointWantsAFormBody() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let result = try await sim.curl("/auth/O2/token", method: "POST", token: nil, contentType: "application/json",
                                        body: Array("{}".utf8))
        #expect(result.status == 400)
        #expect(result.json?["error"]?.stringValue == "invalid_request")
    }
}
