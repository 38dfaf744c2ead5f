import AVS
import Appliance
import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `hark run`: the firmware loop. Configuration → device choice → Login with Amazon → AVS
/// connection → session, until SIGTERM. Turns start from the keyboard (a terminal), from AVS's
/// ExpectSpeech, or from the scripted options used by tests and the demo.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the appliance: connect to AVS and hold conversations.",
        discussion: """
            Keys on a terminal: Enter = tap to talk, h = hold to talk (press h again to release), \
            s = stop, q = quit.
            """)

    @OptionGroup var config: ConfigOption
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Tap this many milliseconds after connecting (scripted runs).", valueName: "ms"))
    var tapAfter: Int?

    @Option(name: .long, help: ArgumentHelp("Hold to talk for this many milliseconds instead of tapping (with --tap-after).", valueName: "ms"))
    var holdFor: Int?

    @Option(name: .long, help: ArgumentHelp("Barge in once: tap this many milliseconds after the first speech starts.", valueName: "ms"))
    var bargeInAfter: Int?

    @Option(name: .long, help: ArgumentHelp("Exit 0 after this many whole turns (scripted runs).", valueName: "n"))
    var turns: Int?

    @Option(name: .long, help: ArgumentHelp("Exit 75 if the scripted turns are not done after this many seconds.", valueName: "s"))
    var timeout: Int?

    @Flag(name: .long, help: "Print a readable transcript of each turn, with times, on stdout.")
    var transcript = false

    func run() async throws {
        // The transcript's zero: as close to the process start as the command gets.
        let start = ContinuousClock.now
        let settings = try config.load()
        let logger = try global.bootstrapLogging(configured: settings.log.level)
        let notes = AsyncStream.makeStream(of: SessionNote.self)
        let parts: ApplianceParts
        do {
            parts = try ApplianceParts.build(settings: settings, environment: processEnvironment(), logger: logger,
                                             observe: { notes.continuation.yield($0) })
        } catch {
            throw CLIError(error.description, exitCode: Sysexits.config)
        }
        guard (try? parts.tokenStore.load()) ?? nil != nil else {
            throw CLIError("this device is not linked to an Amazon account (no refresh token in \(settings.state.directory)); run 'hark login'",
                           exitCode: Sysexits.noPermission)
        }
        let printer = TranscriptPrinter(start: start, enabled: transcript)
        printer.line("hark run: endpoint \(settings.avs.endpoint), microphone \(parts.devices.capture.pcm), speaker \(parts.devices.playback.pcm)")
        await parts.authorizer.start()
        let session = parts.session
        let player = parts.player
        let runTask = Task {
            // The player beside the session and the alerts; it ends with them.
            let playerTask = Task { await player.run() }
            await parts.run()
            playerTask.cancel()
            await playerTask.value
        }
        let trap = SignalTrap { signal in
            logger.notice("\(SignalTrap.name(signal)): stopping")
            runTask.cancel()
        }
        defer { trap.cancel() }
        let keyboard = settings.session.trigger == .keyboard || (settings.session.trigger == .auto && isatty(STDIN_FILENO) == 1 && tapAfter == nil)
        let keys = keyboard ? KeyboardTrigger(session: session, onQuit: { runTask.cancel() }) : nil
        defer { keys?.restore() }
        let script = TurnScript(tapAfter: tapAfter, holdFor: holdFor, turns: turns, bargeInAfter: bargeInAfter, session: session)
        let watchdog = timeout.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled else { return }
                printer.line("timed out after \(seconds) s")
                runTask.cancel()
            }
        }
        var outcome = TurnScript.Outcome.running
        let watcher = Task {
            var outcome = TurnScript.Outcome.running
            for await note in notes.stream {
                printer.note(note)
                outcome = await script.observe(note)
                if outcome == .done {
                    runTask.cancel()
                    break
                }
            }
            return outcome
        }
        await runTask.value
        watchdog?.cancel()
        notes.continuation.finish()
        outcome = await watcher.value
        if turns != nil, outcome != .done {
            throw CLIError("the scripted turns did not complete; see the log above", exitCode: Sysexits.temporaryFailure)
        }
        if turns != nil {
            printer.line("done: \(turns ?? 0) turn(s)")
        }
    }
}

extension GlobalOptions {
    /// `--log-level`, else `HARK_LOG_LEVEL`, else the configured `log.level`.
    func bootstrapLogging(configured: String) throws -> Logger {
        if logLevel == nil, (getenv(Self.environmentVariable).map { String(cString: $0) } ?? "").isEmpty {
            setenv(Self.environmentVariable, configured, 1)
        }
        return try bootstrapLogging()
    }
}
