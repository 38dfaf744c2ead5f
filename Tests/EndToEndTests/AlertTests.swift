import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Alerts against the real `hark` and `hark-sim`: set over the downchannel, sounding on an
/// ALSA `file` PCM at their time with the simulator gone, their events kept in the outbox
/// and delivered in order to a simulator started again on the same port, and nothing lost
/// when hark is killed with SIGKILL.
@Suite(.serialized) struct AlertTests {
    @Test func alertSoundsOfflineAndItsEventsArriveInOrderAfterReconnect() async throws {
        let directory = try Harness.temporaryDirectory("alerts-offline")
        let pki = try TestPKI(in: directory)
        // Two short timers (two tone cycles each, ~3 s), due 10 and 11 s after they are set:
        // room for a loaded host to see both set and stop the simulator before either is due.
        let scenario = """
            [[alert]]
            after_ms = 300
            token = "tea"
            type = "TIMER"
            in_s = 10
            loop_count = 2
            [[alert]]
            after_ms = 350
            token = "eggs"
            type = "TIMER"
            in_s = 11
            loop_count = 2
            [[notification]]
            after_ms = 400
            persist = true
            """
        var simulator = try await RestartableSimulator(pki: pki, scenario: scenario, record: "sim1", in: directory)
        let device = try AlertDevice(directory: directory, port: simulator.port, caFile: pki.caFile)
        let hark = try device.start()
        defer { hark.terminate() }
        try await waitFor("both SetAlertSucceeded", seconds: 30) { simulator.alertEvents.count >= 2 }
        #expect(simulator.alertEvents == ["SetAlertSucceeded tea", "SetAlertSucceeded eggs"])
        #expect(try device.storedAlertTokens() == ["tea", "eggs"])
        let indicator = device.directory.appendingPathComponent("state/indicator.json").path
        try await waitFor("the notification indicator stored", seconds: 30) { FileManager.default.fileExists(atPath: indicator) }

        // The cloud goes away before the timers are due.
        await end(simulator.pid)
        #expect(simulator.alertEvents.count == 2, "the simulator was still up when a timer came due: \(simulator.alertEvents)")
        try await waitFor("the first timer to sound", seconds: 30) { device.log.contains("alert sounding") }
        try await waitFor("both timers to play out offline", seconds: 30) { device.outboxCount >= 4 }
        #expect(device.speakerBytes > 44 + 16_000, "the tone reached the speaker file")
        #expect(try device.storedAlertTokens() == [])

        // AVS comes back on the same address: the stored events arrive, oldest first.
        simulator = try await RestartableSimulator(pki: pki, scenario: "", record: "sim2", port: simulator.port, in: directory)
        try await waitFor("the outbox to drain", seconds: 60) { device.outboxCount == 0 }
        let delivered = simulator.recordedAlertEvents
        #expect(delivered == ["AlertStarted tea", "AlertStopped tea", "AlertStarted eggs", "AlertStopped eggs"], "\(device.log)")
        // The notification indicator set before the outage was kept, and the new connection's
        // SynchronizeState reports it and the alerts' state.
        let context = simulator.synchronizeStateContext
        #expect(context["Notifications.IndicatorState"]?["isEnabled"] as? Bool == true, "\(context)")
        #expect(context["Alerts.AlertsState"]?["allAlerts"] as? [Any] != nil, "\(context)")
        await end(hark.pid)
        await end(simulator.pid)
    }

    @Test func killedDuringAnAlertItSoundsAgainAfterTheRestartAndNoEventIsLost() async throws {
        let directory = try Harness.temporaryDirectory("alerts-kill")
        let pki = try TestPKI(in: directory)
        let scenario = """
            [[alert]]
            after_ms = 200
            token = "wake-up"
            type = "ALARM"
            in_s = 2
            """
        let simulator = try await RestartableSimulator(pki: pki, scenario: scenario, record: "sim", in: directory)
        defer { simulator.stop() }
        let device = try AlertDevice(directory: directory, port: simulator.port, caFile: pki.caFile)
        let first = try device.start()
        try await waitFor("the alarm to start", seconds: 30) { simulator.recordedAlertEvents.contains("AlertStarted wake-up") }
        // Power cut while the alarm rings.
        await end(first.pid, signal: SIGKILL)
        #expect(try device.storedAlertTokens() == ["wake-up"], "an alarm still ringing stays stored")

        let second = try device.start(log: "hark2.err")
        defer { second.terminate() }
        try await waitFor("the alarm to ring again", seconds: 30) {
            simulator.recordedAlertEvents.filter { $0 == "AlertStarted wake-up" }.count >= 2
        }
        try await waitFor("the outbox to drain", seconds: 30) { device.outboxCount == 0 }
        let events = simulator.recordedAlertEvents
        #expect(events.first == "SetAlertSucceeded wake-up")
        #expect(events.filter { $0 == "AlertStarted wake-up" }.count == 2, "\(events)")
        #expect(!events.contains { $0.hasPrefix("AlertStopped") })
        await end(second.pid)
        await end(simulator.pid)
    }

    @Test func repeatedSIGKILLWhileAlertEventsAreWrittenLosesNone() async throws {
        let directory = try Harness.temporaryDirectory("alerts-kills")
        let pki = try TestPKI(in: directory)
        // Five one-cycle timers due together: they sound one after another, each writing
        // AlertStarted and AlertStopped to the outbox (and the store) every ~1.5 s.
        let tokens = (1...5).map { "t\($0)" }
        let scenario = tokens.enumerated().map { index, token in
            "[[alert]]\nafter_ms = \(200 + index * 10)\ntoken = \"\(token)\"\nin_s = 2\nloop_count = 1\n"
        }.joined()
        let simulator = try await RestartableSimulator(pki: pki, scenario: scenario, record: "sim", in: directory)
        defer { simulator.stop() }
        let device = try AlertDevice(directory: directory, port: simulator.port, caFile: pki.caFile)
        var hark = try device.start(log: "hark0.err")
        try await waitFor("the first timer to start", seconds: 30) { simulator.recordedAlertEvents.contains("AlertStarted t1") }
        // Unplug it three times while the timers run, at staggered moments.
        for round in 1...3 {
            try await Task.sleep(for: .milliseconds(400 + 450 * round))
            await end(hark.pid, signal: SIGKILL)
            hark = try device.start(log: "hark\(round).err")
        }
        defer { hark.terminate() }
        try await waitFor("every timer to end", seconds: 90) {
            let events = simulator.recordedAlertEvents
            return tokens.allSatisfy { events.contains("AlertStopped \($0)") } && device.outboxCount == 0
                && ((try? device.storedAlertTokens()) ?? ["?"]).isEmpty
        }
        let events = simulator.recordedAlertEvents
        for token in tokens {
            #expect(events.filter { $0 == "SetAlertSucceeded \(token)" }.count == 1, "\(events)")
            let started = events.firstIndex(of: "AlertStarted \(token)")
            let stopped = events.lastIndex(of: "AlertStopped \(token)")
            #expect(started != nil && stopped != nil && started! < stopped!, "\(token): \(events)")
            // A timer cut off mid-sound rings again after the restart: at most one repeat per kill.
            #expect(events.filter { $0 == "AlertStarted \(token)" }.count <= 4, "\(events)")
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("state/outbox").path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
        await end(hark.pid)
        await end(simulator.pid)
    }
}

/// Sends `signal` and reaps the process, polling with `Task.sleep` rather than blocking a
/// thread of the cooperative pool in `waitpid` (other suites run on it meanwhile). A later
/// `Child.terminate()` of the same process is then a no-op.
func end(_ pid: pid_t, signal: Int32 = SIGTERM) async {
    kill(pid, signal)
    var raw: Int32 = 0
    for _ in 0..<300 {
        if waitpid(pid, &raw, WNOHANG) != 0 { return }
        try? await Task.sleep(for: .milliseconds(100))
    }
    kill(pid, SIGKILL)
    for _ in 0..<50 where waitpid(pid, &raw, WNOHANG) == 0 { try? await Task.sleep(for: .milliseconds(100)) }
}

/// Polls with `Task.sleep`, never blocking a thread of the cooperative pool (other suites
/// run on it meanwhile).
func waitFor(_ what: String, seconds: Double, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw HarnessError("timed out after \(Int(seconds)) s waiting for \(what)")
}

/// A CA and a server certificate for 127.0.0.1 made with openssl for this test, so two
/// simulator runs can present the same certificate on the same port.
struct TestPKI {
    let caFile: String
    let certFile: String
    let keyFile: String

    init(in directory: URL) throws {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        caFile = path("test-ca.pem")
        certFile = path("server.pem")
        keyFile = path("server.key")
        let openssl = "/usr/bin/openssl"
        try check(Child.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                      "-keyout", path("ca.key"), "-out", caFile, "-days", "2", "-subj", "/CN=hark alert test CA"]))
        try check(Child.run(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                      "-keyout", keyFile, "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"]))
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(toFile: path("ext.cnf"), atomically: true, encoding: .utf8)
        try check(Child.run(openssl, ["x509", "-req", "-in", path("server.csr"), "-CA", caFile, "-CAkey", path("ca.key"),
                                      "-CAcreateserial", "-out", certFile, "-days", "2", "-extfile", path("ext.cnf")]))
    }

    private func check(_ result: (status: Int32, output: Data)) throws {
        guard result.status == 0 else { throw HarnessError("openssl failed with status \(result.status)") }
    }
}

/// `hark-sim` with a fixed certificate, restartable on the same port.
struct RestartableSimulator {
    let port: Int
    let recordDirectory: URL
    private let process: Child

    init(pki: TestPKI, scenario: String, record: String, port: Int = 0, in directory: URL) async throws {
        let scenarioFile = directory.appendingPathComponent("\(record).toml")
        try scenario.write(to: scenarioFile, atomically: true, encoding: .utf8)
        let portFile = directory.appendingPathComponent("\(record).port")
        recordDirectory = directory.appendingPathComponent(record)
        process = try Child(Harness.binaries.appendingPathComponent("hark-sim").path,
                            ["--scenario", scenarioFile.path, "--run-dir", recordDirectory.path, "--port", "\(port)",
                             "--port-file", portFile.path, "--cert", pki.certFile, "--key", pki.keyFile, "--ca", pki.caFile],
                            stderr: directory.appendingPathComponent("\(record).err").path)
        var bound: Int?
        try? await waitFor("hark-sim's port", seconds: 10) {
            bound = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return bound != nil
        }
        guard let bound else {
            process.terminate()
            throw HarnessError("hark-sim did not start: \((try? String(contentsOf: directory.appendingPathComponent("\(record).err"), encoding: .utf8)) ?? "")")
        }
        self.port = bound
    }

    func stop() { process.terminate() }

    var pid: pid_t { process.pid }

    /// `Name token` of the Alerts events the simulator accepted (its recording), in order.
    var recordedAlertEvents: [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".json") && $0.contains("-Alerts.") }.sorted()
        return files.compactMap { file in
            guard let data = try? Data(contentsOf: recordDirectory.appendingPathComponent(file)),
                  let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let event = (record["event"] as? [String: Any])?["event"] as? [String: Any],
                  let name = (event["header"] as? [String: Any])?["name"] as? String,
                  let token = (event["payload"] as? [String: Any])?["token"] as? String
            else { return nil }
            return "\(name) \(token)"
        }
    }

    var alertEvents: [String] { recordedAlertEvents }

    /// The payloads of the first recorded SynchronizeState's context, by `Namespace.Name`.
    var synchronizeStateContext: [String: [String: Any]] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)) ?? [])
            .filter { $0.hasSuffix("-System.SynchronizeState.json") }.sorted()
        guard let file = files.first, let data = try? Data(contentsOf: recordDirectory.appendingPathComponent(file)),
              let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let context = (record["event"] as? [String: Any])?["context"] as? [[String: Any]]
        else { return [:] }
        var entries: [String: [String: Any]] = [:]
        for entry in context {
            guard let header = entry["header"] as? [String: Any], let namespace = header["namespace"] as? String,
                  let name = header["name"] as? String else { continue }
            entries["\(namespace).\(name)"] = entry["payload"] as? [String: Any]
        }
        return entries
    }
}

/// A linked `hark run` device whose speaker is an ALSA `file` PCM over `null`.
final class AlertDevice {
    let directory: URL
    private var currentLog = URL(fileURLWithPath: "/dev/null")

    init(directory: URL, port: Int, caFile: String) throws {
        self.directory = directory
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try "Atzr|hark-sim-refresh\n".write(to: state.appendingPathComponent("refresh-token"), atomically: true, encoding: .utf8)
        try """
            pcm.e2e_mic { type file slave.pcm "null" file "/dev/null" infile "/dev/null" format "raw" }
            pcm.e2e_speaker { type file slave.pcm "null" file "\(directory.path)/speaker.wav" format "wav" }
            """.write(to: directory.appendingPathComponent("asound.conf"), atomically: true, encoding: .utf8)
        try """
            [avs]
            endpoint = "https://127.0.0.1:\(port)"
            ca_file = "\(caFile)"
            [auth]
            lwa_url = "https://127.0.0.1:\(port)/auth/O2"
            client_id = "hark-sim-client"
            product_id = "hark-e2e"
            device_serial = "e2e-alerts"
            [state]
            dir = "\(state.path)"
            [audio]
            capture_device = "e2e_mic"
            playback_device = "e2e_speaker"
            [session]
            trigger = "none"
            [feedback]
            earcons = false
            [control]
            socket = "\(directory.path)/run/control.sock"
            """.write(to: directory.appendingPathComponent("hark.toml"), atomically: true, encoding: .utf8)
    }

    /// `hark run` in the background (stopped by the test).
    func start(log: String = "hark.err") throws -> Child {
        var environment = ProcessInfo.processInfo.environment
        environment["ALSA_CONFIG_PATH"] = "/usr/share/alsa/alsa.conf:" + directory.appendingPathComponent("asound.conf").path
        environment["HARK_LOG_LEVEL"] = "info"
        currentLog = directory.appendingPathComponent(log)
        return try Child(Harness.binaries.appendingPathComponent("hark").path,
                         ["run", "--timeout", "170", "--config", directory.appendingPathComponent("hark.toml").path],
                         environment: environment, stderr: currentLog.path)
    }

    var log: String { (try? String(contentsOf: currentLog, encoding: .utf8)) ?? "" }

    var outboxCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("state/outbox").path)) ?? [])
            .filter { $0.hasSuffix(".event") }.count
    }

    var speakerBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("speaker.wav").path))?[.size] as? Int) ?? 0
    }

    func storedAlertTokens() throws -> [String] {
        let data = try Data(contentsOf: directory.appendingPathComponent("state/alerts.json"))
        let alerts = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return alerts.compactMap { $0["token"] as? String }
    }
}
