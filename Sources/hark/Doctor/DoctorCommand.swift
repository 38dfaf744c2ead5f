import Appliance
import ArgumentParser
import Audio
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `hark doctor`: is this board ready? Each check prints ✓ or ✗ in plain words, with the fix
/// for a failure; the exit code is 0 when everything passed, else the sysexits code of the
/// first failure.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this board is ready: configuration, audio, GPIO, network, account link, clock.",
        discussion: """
            Checks, in order: the configuration parses; the capture and playback PCMs open (and \
            which path: dmix/dsnoop, PulseAudio or default); with --listen, a short recording \
            is not silent; the GPIO chip opens and the button and light lines can be requested \
            (as `hark run` requests them: stop the service first); the AVS endpoint resolves and its TLS certificate verifies \
            (avs.ca_file or the system's trust store); a refresh token is stored and Login with \
            Amazon accepts it (the token is never printed); the clock is plausible.

            Exit 0 when every check passed; otherwise the code of the first failure: \
            78 configuration, 69 audio or GPIO, 75 network or clock, 77 not linked.
            """)

    @OptionGroup var config: ConfigOption
    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also record a short capture and check that it is not silent (speak or make a sound).")
    var listen = false

    @Option(name: .long, help: ArgumentHelp("How long --listen records, in seconds (0.5-10).", valueName: "s"))
    var listenSeconds: Double = 2

    func validate() throws {
        guard (0.5...10).contains(listenSeconds) else {
            throw ValidationError("--listen-seconds \(listenSeconds) is out of range: use 0.5 to 10")
        }
    }

    func run() async throws {
        var report = DoctorReport()
        func record(_ check: DoctorCheck) {
            report.checks.append(check)
            print(check.rendered)
            fflushStandardOutput()
        }
        let settings: HarkSettings
        do {
            settings = try SettingsLoader.load(path: config.path, environment: processEnvironment())
            record(.passed("configuration", "\(config.path) parses (with HARK_* overrides)"))
        } catch {
            record(.failed("configuration", "\(error.description)",
                           fix: "edit the file (or the HARK_* variable) as the message says, then `hark config check`",
                           exitCode: Sysexits.config))
            for name in ["capture device", "playback device", GPIOCheck.name, EndpointCheck.name, TokenCheck.name] {
                record(.skipped(name, because: "needs a valid configuration"))
            }
            record(ClockCheck.run(now: Int(time(nil))))
            try finish(report)
            return
        }
        // Engines log their opens at info; the doctor's own lines say what matters.
        let logger = try global.bootstrapLogging(configured: "warning")
        let devices = DeviceSelector.select(capture: settings.audio.captureDevice, playback: settings.audio.playbackDevice,
                                            environment: processEnvironment())
        for check in await AudioChecks.capture(devices.capture, listenSeconds: listen ? listenSeconds : nil, logger: logger) {
            record(check)
        }
        record(AudioChecks.playback(devices.playback, logger: logger))
        record(await GPIOCheck.run(settings: settings.gpio, logger: logger))
        record(await EndpointCheck.run(endpoint: settings.avs.endpoint, caFile: settings.avs.caFile))
        record(await TokenCheck.run(settings: settings))
        record(ClockCheck.run(now: Int(time(nil))))
        try finish(report)
    }

    /// Prints the verdict; a failure ends the process with the first failure's exit code.
    private func finish(_ report: DoctorReport) throws {
        print(report.verdict)
        fflushStandardOutput()
        if report.exitCode != Sysexits.ok { throw report.exitCode }
    }
}
