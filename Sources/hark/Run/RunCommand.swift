import AVS
import Appliance
import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `hark run`: the firmware. Configuration → device choice → services under a supervisor
/// (systemd notify and watchdog, control socket, Login with Amazon, the session) until SIGTERM.
/// Turns start from the control socket, the keyboard (a terminal), AVS's ExpectSpeech, or the
/// scripted options used by tests and the demo.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the appliance: connect to AVS and hold conversations.",
        discussion: """
            Keys on a terminal: Enter = tap to talk, h = hold to talk (press h again to release), \
            s = stop, q = quit. Without a linked account it waits in the 'unlinked' state until \
            'hark login' (in another shell) stores a token; 'hark ctl' drives and watches it.
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

    /// How long an audio thread may sit in one ALSA call before the watchdog calls it stuck.
    static let audioCallBound = Duration.seconds(10)

    func run() async throws {
        // The transcript's zero: as close to the process start as the command gets.
        let start = ContinuousClock.now
        let settings = try config.load()
        let logger = try global.bootstrapLogging(configured: settings.log.level)
        if let warning = ClockSanity.warning() { logger.warning("\(warning)") }
        let parts: ApplianceParts
        do {
            parts = try ApplianceParts.build(settings: settings, environment: processEnvironment(), logger: logger)
        } catch {
            throw CLIError(error.description, exitCode: Sysexits.config)
        }
        let notes = AsyncStream.makeStream(of: SessionNote.self)
        let hub = StatusHub()
        let slot = SessionSlot()
        let shutdown = ShutdownSignal()
        let printer = TranscriptPrinter(start: start, enabled: transcript)
        printer.line("hark run: endpoint \(settings.avs.endpoint), microphone \(parts.devices.capture.pcm), speaker \(parts.devices.playback.pcm)")

        let notifier = SystemdNotifier(environment: processEnvironment(), processID: getpid(), logger: Logger(label: "hark.systemd"))
        let supervisor = ServiceSupervisor(services: services(parts, hub: hub, slot: slot, notifier: notifier, logger: logger,
                                                              notes: notes.continuation),
                                           logger: Logger(label: "hark.runtime"),
                                           onFailure: { service, error in hub.report("\(service) failed: \(error)") })

        let buttons = ButtonWiring.start(settings: settings, trigger: { slot.trigger($0) },
                                         playbackDevice: parts.devices.playback.pcm, logger: logger)
        buttons.panel?.led?.show(hub.status)
        let lights = hub.subscribe { buttons.observe($0) }
        let trap = SignalTrap { signal in
            logger.notice("\(SignalTrap.name(signal)): stopping")
            shutdown.trigger()
        }
        defer { trap.cancel() }
        let keyboard = settings.session.trigger == .keyboard || (settings.session.trigger == .auto && isatty(STDIN_FILENO) == 1 && tapAfter == nil)
        let keys = keyboard ? KeyboardTrigger(session: slot, onQuit: { shutdown.trigger() }) : nil
        defer { keys?.restore() }
        let script = TurnScript(tapAfter: tapAfter, holdFor: holdFor, turns: turns, bargeInAfter: bargeInAfter, session: slot)
        let deadline = timeout.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled else { return }
                printer.line("timed out after \(seconds) s")
                shutdown.trigger()
            }
        }
        let stopping = Task {
            await shutdown.wait()
            notifier.stopping()
        }
        let watcher = Task {
            var outcome = TurnScript.Outcome.running
            for await note in notes.stream {
                printer.note(note)
                outcome = await script.observe(note)
                if outcome == .done {
                    shutdown.trigger()
                    break
                }
            }
            return outcome
        }
        var fatal: FatalError?
        do {
            try await supervisor.run(shutdown: shutdown, onReady: {
                logger.info("all services are up", metadata: ["status": "\(hub.status.rawValue)"])
                notifier.ready()
            })
        } catch {
            fatal = error
        }
        shutdown.trigger()
        await stopping.value
        lights.cancel()
        await buttons.stop()
        deadline?.cancel()
        parts.shutdown()
        notes.continuation.finish()
        let outcome = await watcher.value
        if let fatal {
            throw CLIError("stopped: \(fatal.reason)", exitCode: Sysexits.software)
        }
        if turns != nil, outcome != .done {
            throw CLIError("the scripted turns did not complete; see the log above", exitCode: Sysexits.temporaryFailure)
        }
        if turns != nil {
            printer.line("done: \(turns ?? 0) turn(s)")
        }
    }

    /// The services in start order: systemd status and watchdog, the control socket, Login with
    /// Amazon, the session. They stop in reverse.
    private func services(_ parts: ApplianceParts, hub: StatusHub, slot: SessionSlot, notifier: SystemdNotifier,
                          logger: Logger, notes: AsyncStream<SessionNote>.Continuation) -> [any ApplianceService] {
        let settings = parts.settings
        let probes = [slot.probe(), parts.captureWatch.probe(bound: Self.audioCallBound),
                      parts.playbackWatch.probe(bound: Self.audioCallBound)]
        let watchdog = notifier.watchdogPeriod.map {
            WatchdogService(notifier: notifier, probes: probes, period: $0, logger: Logger(label: "hark.watchdog"))
        }
        let control = ControlServer(
            path: settings.control.socket, hub: hub,
            handler: .init(trigger: { slot.trigger($0) }, setVolume: { slot.setVolume($0) }, setMuted: { slot.setMuted($0) },
                           status: { ControlStatus.fields(hub.model) }),
            logger: Logger(label: "hark.control"))
        return [
            SystemdService(notifier: notifier, hub: hub, watchdog: watchdog),
            ControlService(server: control),
            LinkService(authorizer: parts.authorizer, tokenStore: parts.tokenStore, hub: hub, logger: Logger(label: "hark.link")),
            SessionRunner(slot: slot, hub: hub, rebuildAfter: .seconds(settings.session.rebuildAfterSeconds),
                          network: .system(endpoint: settings.avs.endpoint), logger: Logger(label: "hark.runtime"),
                          makeRunnable: {
                let runnable = try parts.makeSession { note in
                    hub.publish(note)
                    notes.yield(note)
                }
                let session = runnable.session
                Task { let speaker = await session.speakerSettings; hub.setSpeaker(volume: speaker.volume, muted: speaker.muted) }
                return runnable
            }),
        ]
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
