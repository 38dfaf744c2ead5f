import HarkSimulator
import Testing

@Suite struct LoginWithAmazonTests {
    let start = ContinuousClock.now
    let scopeData = #"{"alexa:all":{"productID":"hark","productInstanceAttributes":{"deviceSerialNumber":"42"}}}"#

    func codePairForm(clientID: String = "hark-sim-client") -> [String: String] {
        ["response_type": "device_code", "client_id": clientID, "scope": "alexa:all", "scope_data": scopeData]
    }

    func error(_ answer: SimAnswer) -> String? { SimJSON.parse(answer.body)?["error"]?.stringValue }

    @Test func codePairPollsPendingAndSlowDownThenIssuesTokens() throws {
        var settings = AuthSettings()
        settings.pendingPolls = 2
        settings.slowDownPolls = [1]
        var lwa = LoginWithAmazon(settings: settings, now: start)
        let pair = try #require(SimJSON.parse(lwa.createCodePair(codePairForm(), now: start).body))
        #expect(pair["interval"]?.numberValue == 5)
        #expect(pair["verification_uri"]?.stringValue != nil)
        let form = ["grant_type": "device_code", "device_code": pair["device_code"]?.stringValue ?? "",
                    "user_code": pair["user_code"]?.stringValue ?? ""]
        #expect(error(lwa.token(form, now: start)) == "slow_down")
        #expect(error(lwa.token(form, now: start)) == "authorization_pending")
        #expect(error(lwa.token(form, now: start)) == "authorization_pending")
        let tokens = lwa.token(form, now: start)
        #expect(tokens.status == 200)
        let body = try #require(SimJSON.parse(tokens.body))
        let access = try #require(body["access_token"]?.stringValue)
        #expect(body["expires_in"]?.numberValue == 3600)
        #expect(lwa.isAuthorized("Bearer \(access)", now: start))
        #expect(!lwa.isAuthorized("Bearer \(access)", now: start.advanced(by: .seconds(3601))))
        #expect(error(lwa.token(form, now: start)) == "invalid_code_pair")
    }

    @Test func codePairChecksClientAndExpires() throws {
        var settings = AuthSettings()
        settings.codePairLifetimeSeconds = 10
        var lwa = LoginWithAmazon(settings: settings, now: start)
        #expect(error(lwa.createCodePair(codePairForm(clientID: "other"), now: start)) == "invalid_client")
        var noScope = codePairForm()
        noScope["scope_data"] = "{}"
        #expect(error(lwa.createCodePair(noScope, now: start)) == "invalid_request")
        let pair = try #require(SimJSON.parse(lwa.createCodePair(codePairForm(), now: start).body))
        let form = ["grant_type": "device_code", "device_code": pair["device_code"]?.stringValue ?? "",
                    "user_code": pair["user_code"]?.stringValue ?? ""]
        #expect(error(lwa.token(form, now: start.advanced(by: .seconds(11)))) == "expired_token")
        #expect(error(lwa.token(["grant_type": "device_code", "device_code": "nope", "user_code": "x"], now: start)) == "invalid_code_pair")
    }

    @Test func refreshGrantIssuesANewAccessTokenAndRevocationForcesIt() throws {
        var settings = AuthSettings()
        settings.clientSecret = "s3cret"
        var lwa = LoginWithAmazon(settings: settings, now: start)
        #expect(lwa.isAuthorized("Bearer Atza|hark-sim-access", now: start))
        lwa.revokeAccessTokens()
        #expect(!lwa.isAuthorized("Bearer Atza|hark-sim-access", now: start))
        let form = ["grant_type": "refresh_token", "refresh_token": "Atzr|hark-sim-refresh", "client_id": "hark-sim-client"]
        let answer = lwa.token(form, now: start)
        #expect(answer.status == 200)
        let access = try #require(SimJSON.parse(answer.body)?["access_token"]?.stringValue)
        #expect(lwa.isAuthorized("Bearer \(access)", now: start))
        #expect(lwa.refreshCount == 1)
        var wrongSecret = form
        wrongSecret["client_secret"] = "nope"
        #expect(error(lwa.token(wrongSecret, now: start)) == "invalid_client")
        var wrongClient = form
        wrongClient["client_id"] = "x"
        #expect(error(lwa.token(wrongClient, now: start)) == "invalid_client")
        var unknown = form
        unknown["refresh_token"] = "Atzr|unknown"
        #expect(error(lwa.token(unknown, now: start)) == "invalid_grant")
        #expect(error(lwa.token(["grant_type": "password"], now: start)) == "unsupported_grant_type")
        lwa.revokeRefreshTokens()
        #expect(error(lwa.token(form, now: start)) == "invalid_grant")
    }

    @Test func formBodiesDecodePercentAndPlus() {
        let form = parseFormURLEncoded(Array("a=1+2&b=%7B%22x%22%3A1%7D&c=".utf8))
        #expect(form == ["a": "1 2", "b": "{\"x\":1}", "c": ""])
    }
}
