import HarkSimulator
import Testing

@Suite struct ScenarioLoaderTests {
    @Test func exampleScenarioLoads() throws {
        let scenario = try ScenarioLoader.load(path: fixturePath("sim/example.toml"))
        #expect(scenario.server.responseDelayMilliseconds == 150)
        #expect(scenario.auth.slowDownPolls == [1])
        #expect(scenario.recognize.count == 2)
        #expect(scenario.recognize[0].expectSpeechTimeoutMilliseconds == 8000)
        #expect(scenario.recognize[0].speakMP3Path?.hasSuffix("sim/../ten-oclock-24k-mono.mp3") == true)
        #expect(scenario.recognize[1].setVolume == 40)
        #expect(scenario.recognize[1].rawDirectives.count == 1)
        #expect(scenario.pushes.map(\.afterMilliseconds) == [500, 800])
        #expect(scenario.faults.first?.kind == .status)
        #expect(scenario.faults.first?.afterEvents == 3)
        #expect(scenario.answer(forRecognize: 9) == scenario.recognize[1])
    }

    @Test(arguments: ["example.toml", "demo.toml", "follow-up.toml", "faults.toml"])
    func shippedScenariosLoad(name: String) throws {
        _ = try ScenarioLoader.load(path: fixturePath("sim/\(name)"))
    }

    @Test func errorsNameTheKey() {
        func message(_ toml: String) -> String {
            do {
                _ = try ScenarioLoader.parse(toml)
                return ""
            } catch {
                return error.description
            }
        }
        #expect(message("[server]\nrespons_delay_ms = 1").contains("server.respons_delay_ms is not a known key"))
        #expect(message("[[fault]]\nkind = \"status\"\nstatus = \"x\"").contains("fault[0].status must be an integer"))
        #expect(message("[[fault]]\nkind = \"explode\"").contains("fault[0].kind"))
        #expect(message("[[recognize]]\nset_mute = 1").contains("recognize[0].set_mute"))
        #expect(message("[[push]]\nafter_ms = 1").contains("push[0].directive is required"))
        #expect(message("[server\n").contains("line 1"))
        #expect(message("").isEmpty)
    }
}
