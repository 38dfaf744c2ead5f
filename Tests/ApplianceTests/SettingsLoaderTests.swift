import Testing
@testable import Appliance

@Suite struct SettingsLoaderTests {
    let minimal = """
        [auth]
        client_id = "amzn1.application-oa2-client.x"
        product_id = "hark"
        device_serial = "0001"
        """

    @Test func defaultsFillEverythingElse() throws {
        let settings = try SettingsLoader.parse(minimal, path: "hark.toml", environment: [:])
        #expect(settings.avs.endpoint == "https://alexa.na.gateway.devices.a2z.com")
        #expect(settings.auth.lwaURL == "https://api.amazon.com/auth/O2")
        #expect(settings.state.directory == "/var/lib/hark")
        #expect(settings.audio.micFormat == .opus)
        #expect(settings.audio.captureDevice == nil)
        #expect(settings.auth.clientSecret == nil)
        #expect(settings.auth.deviceSerial == "0001")
    }

    @Test func environmentOverridesTheFile() throws {
        let settings = try SettingsLoader.parse(minimal + "\n[avs]\nendpoint = \"https://a.example\"\n", path: "hark.toml", environment: [
            "HARK_AVS_ENDPOINT": "https://127.0.0.1:8443",
            "HARK_AUDIO_MIC_FORMAT": "l16",
            "HARK_AUDIO_INITIAL_VOLUME": "70",
            "HARK_AUTH_CLIENT_SECRET": "s3cret",
            "HARK_UNRELATED": "ignored",
        ])
        #expect(settings.avs.endpoint == "https://127.0.0.1:8443")
        #expect(settings.audio.micFormat == .l16)
        #expect(settings.audio.initialVolume == 70)
        #expect(settings.auth.clientSecret == "s3cret")
    }

    @Test func requiredKeysMayComeFromTheEnvironment() throws {
        let settings = try SettingsLoader.parse("", path: "hark.toml", environment: [
            "HARK_AUTH_CLIENT_ID": "c", "HARK_AUTH_PRODUCT_ID": "p", "HARK_AUTH_DEVICE_SERIAL": "s",
        ])
        #expect(settings.auth.clientID == "c")
    }

    @Test func unknownKeyNamesKeyAndLine() {
        let text = minimal + "\n\n[audio]\nmic_format = \"opus\"\ncapture_devise = \"hw:1\"\n"
        #expect(throws: SettingsError.unknownKey(key: "audio.capture_devise", source: .file(path: "hark.toml", line: 8))) {
            try SettingsLoader.parse(text, path: "hark.toml", environment: [:])
        }
    }

    @Test func unknownSectionNamesItsHeader() {
        #expect(throws: SettingsError.unknownKey(key: "wifi", source: .file(path: "f", line: 5))) {
            try SettingsLoader.parse(minimal + "\n[wifi]\nssid = \"x\"\n", path: "f", environment: [:])
        }
    }

    @Test func wrongTypeNamesKeyLineAndTypes() throws {
        let text = minimal + "\n[audio]\ninitial_volume = \"loud\"\n"
        let error = #expect(throws: SettingsError.self) { try SettingsLoader.parse(text, path: "f", environment: [:]) }
        #expect(error == .wrongType(key: "audio.initial_volume", source: .file(path: "f", line: 6), expected: "an integer", found: "a string"))
        #expect(error?.description == "f:6: 'audio.initial_volume' must be an integer, not a string")
    }

    @Test func badValueNamesKeyAndLine() throws {
        let text = minimal + "\n[audio]\nmic_format = \"mp3\"\n"
        let error = #expect(throws: SettingsError.self) { try SettingsLoader.parse(text, path: "f", environment: [:]) }
        #expect(error == .badValue(key: "audio.mic_format", source: .file(path: "f", line: 6), problem: "must be one of opus, l16"))
    }

    @Test func plainHTTPIsRefused() {
        #expect(throws: SettingsError.badValue(key: "avs.endpoint", source: .file(path: "f", line: 2), problem: "must be an https:// URL (TLS is always used and verified)")) {
            try SettingsLoader.parse("[avs]\nendpoint = \"http://x\"\n" + minimal, path: "f", environment: [:])
        }
    }

    @Test func badEnvironmentValueNamesTheVariable() {
        #expect(throws: SettingsError.wrongType(key: "audio.initial_volume", source: .environment(name: "HARK_AUDIO_INITIAL_VOLUME"), expected: "an integer", found: "\"x\"")) {
            try SettingsLoader.parse(minimal, path: "f", environment: ["HARK_AUDIO_INITIAL_VOLUME": "x"])
        }
        #expect(throws: SettingsError.badValue(key: "audio.initial_volume", source: .environment(name: "HARK_AUDIO_INITIAL_VOLUME"), problem: "must be between 0 and 100")) {
            try SettingsLoader.parse(minimal, path: "f", environment: ["HARK_AUDIO_INITIAL_VOLUME": "101"])
        }
    }

    @Test func missingRequiredKey() {
        #expect(throws: SettingsError.missingKey(key: "auth.client_id", path: "f")) {
            try SettingsLoader.parse("[auth]\nproduct_id = \"p\"\ndevice_serial = \"s\"\n", path: "f", environment: [:])
        }
    }

    @Test func syntaxErrorHasAPosition() throws {
        let error = #expect(throws: SettingsError.self) { try SettingsLoader.parse("[auth]\nclient_id = \n", path: "f", environment: [:]) }
        guard case .syntax(_, let line, _, _) = error else { Issue.record("not a syntax error: \(String(describing: error))"); return }
        #expect(line == 2)
    }

    @Test func missingFile() {
        #expect(throws: SettingsError.unreadableFile(path: "/nonexistent/hark.toml", reason: "No such file or directory")) {
            try SettingsLoader.load(path: "/nonexistent/hark.toml", environment: [:])
        }
    }

    @Test func describeMasksSecrets() throws {
        let settings = try SettingsLoader.parse(minimal + "\nclient_secret = \"hunter2\"\n", path: "f", environment: [:])
        let text = SettingsLoader.describe(settings)
        #expect(text.contains("client_secret = \"****\""))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("# ca_file is not set"))
    }

    @Test func dottedRootKeysAreLocated() {
        let text = "auth.client_id = \"c\"\nauth.product_id = \"p\"\nauth.device_serial = \"s\"\naudio.volume = 3\n"
        #expect(throws: SettingsError.unknownKey(key: "audio.volume", source: .file(path: "f", line: 4))) {
            try SettingsLoader.parse(text, path: "f", environment: [:])
        }
    }
}

@Suite struct ExampleConfigurationTests {
    @Test func boardExampleIsValid() throws {
        let path = #filePath.split(separator: "/").dropLast(3).map(String.init).joined(separator: "/")
        let settings = try SettingsLoader.load(path: "/" + path + "/board/hark.toml", environment: [:])
        #expect(settings.session.trigger == .auto)
        #expect(settings.audio.initialVolume == 50)
    }
}
