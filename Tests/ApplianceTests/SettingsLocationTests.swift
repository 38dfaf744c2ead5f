import Testing
@testable import Appliance

/// The configuration's errors take their line from the TOML parser, so keys written in any of
/// TOML's forms are found where they are, and syntax errors say what was expected.
@Suite struct SettingsLocationTests {
    /// `text` first (so its lines are the file's), then the required keys.
    func failure(_ text: String) -> SettingsError? {
        do {
            _ = try SettingsLoader.parse(text + "\n[auth]\nclient_id = \"c\"\nproduct_id = \"p\"\ndevice_serial = \"s\"\n",
                                         path: "hark.toml", environment: [:])
            return nil
        } catch {
            return error
        }
    }

    @Test func keyInsideAnInlineTable() {
        let error = failure("# volume\naudio = { mic_format = \"opus\", initial_volume = \"loud\" }\n")
        #expect(error == .wrongType(key: "audio.initial_volume", source: .file(path: "hark.toml", line: 2), expected: "an integer", found: "a string"))
    }

    @Test func quotedAndSpacedHeadersAndKeys() {
        let error = failure("[ \"audio\" ]\n\n  'initial_volume'   =   500 # too loud\n")
        #expect(error == .badValue(key: "audio.initial_volume", source: .file(path: "hark.toml", line: 3), problem: "must be between 0 and 100"))
    }

    @Test func sameKeyNameInTwoSectionsIsLocatedInItsOwn() {
        // `level` appears in a comment and as a value in [log]; only the real key counts.
        let error = failure("# level = 3\n[log]\nlevel = \"loud\"\n")
        #expect(error == .badValue(key: "log.level", source: .file(path: "hark.toml", line: 3),
                                   problem: "must be one of trace, debug, info, notice, warning, error, critical"))
    }

    @Test func valueOfAnotherTypeNamesTheType() {
        #expect(failure("[audio]\ninitial_volume = 5.5\n")
            == .wrongType(key: "audio.initial_volume", source: .file(path: "hark.toml", line: 2), expected: "an integer", found: "a float"))
        #expect(failure("[audio]\ncapture_device = 1979-05-27\n")
            == .wrongType(key: "audio.capture_device", source: .file(path: "hark.toml", line: 2), expected: "a string", found: "a date"))
        #expect(failure("audio = 3\n")
            == .wrongType(key: "audio", source: .file(path: "hark.toml", line: 1), expected: "a table ([audio])", found: "an integer"))
    }

    @Test func syntaxErrorSaysWhatWasExpectedWhere() {
        let error = failure("[avs]\n\n\n\n\n\nendpoint \"https://example.com\"\n")
        #expect(error == .syntax(path: "hark.toml", line: 7, column: 10, message: "expected '=' after the key 'endpoint', found '\"'"))
        #expect(error?.description == "hark.toml:7:10: not valid TOML: expected '=' after the key 'endpoint', found '\"'")
    }

    @Test func redefinedKeyNamesBothLines() {
        let error = failure("[audio]\nmic_format = \"opus\"\nmic_format = \"l16\"\n")
        #expect(error == .syntax(path: "hark.toml", line: 3, column: 1,
                                 message: "the key 'mic_format' is already defined at line 2; a key can be given a value only once"))
    }
}
