import GPIO
import Logging

/// The button and the status light as `[gpio]` configures them, running: the button's line
/// watched for edges and classified, the light's line playing status patterns.
public final class ButtonPanel: Sendable {
    /// Nil when `gpio.button_line` is unset.
    public let button: ButtonService?
    /// Nil when `gpio.led_line` is unset.
    public let led: LEDService?
    private let watcher: EdgeWatcher?
    private let tasks: [Task<Void, Never>]

    private init(button: ButtonService?, led: LEDService?, watcher: EdgeWatcher?, tasks: [Task<Void, Never>]) {
        self.button = button
        self.led = led
        self.watcher = watcher
        self.tasks = tasks
    }

    /// Opens the chip and requests the lines. Nil when `gpio.chip` is unset or no line is
    /// configured (no button: the caller logs that once). Throws when the chip or a line cannot
    /// be had; the error's text says how to fix it.
    public static func start(settings: GPIOSettings, driver: GPIODriver = .system,
                             clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                             onGesture: @escaping @Sendable (ButtonGesture) -> Void) throws(GPIOError) -> ButtonPanel? {
        guard let chipName = settings.chip, settings.buttonLine != nil || settings.ledLine != nil else { return nil }
        let chip = try GPIOChip(chipName, driver: driver)
        var tasks: [Task<Void, Never>] = []
        var led: LEDService?
        if let ledLine = settings.ledLine {
            let line = try OutputLine(chip: chip, request: LineRequest(offset: UInt32(ledLine), activeLow: settings.ledActiveLow,
                                                                       consumer: "hark-led"))
            let service = LEDService(line: line, clock: clock, logger: logger)
            tasks.append(Task { await service.run() })
            led = service
        }
        var button: ButtonService?
        var watcher: EdgeWatcher?
        if let buttonLine = settings.buttonLine {
            let classifier = ButtonClassifier.Settings(
                debounce: .milliseconds(settings.debounceMilliseconds), hold: .milliseconds(settings.holdMilliseconds),
                longPress: .milliseconds(settings.longPressMilliseconds))
            let request = LineRequest(offset: UInt32(buttonLine), activeLow: settings.activeLow,
                                      bias: LineBias(settings.bias), consumer: "hark-button")
            let edges = AsyncStream.makeStream(of: EdgeEvent.self)
            let lineWatcher: EdgeWatcher
            do {
                lineWatcher = try EdgeWatcher(chip: chip, request: request, onEdge: { edges.continuation.yield($0) },
                                              onFailure: { error in
                                                  logger.error("button: \(error); the button no longer works until hark restarts")
                                                  edges.continuation.finish()
                                              })
            } catch {
                led?.finish()
                throw error
            }
            let service = ButtonService(settings: classifier, initiallyActive: lineWatcher.initialValue, clock: clock,
                                        logger: logger, onGesture: onGesture)
            tasks.append(Task { await service.run() })
            tasks.append(Task {
                for await edge in edges.stream { service.edge(edge) }
            })
            button = service
            watcher = lineWatcher
        }
        logger.info("GPIO: \(chipName)\(settings.buttonLine.map { ", button on line \($0)" } ?? "")\(settings.ledLine.map { ", light on line \($0)" } ?? "")")
        return ButtonPanel(button: button, led: led, watcher: watcher, tasks: tasks)
    }

    /// Stops watching the line, ends the services (the light goes off) and waits for them.
    public func stop() async {
        watcher?.stop()
        button?.finish()
        led?.finish()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}

extension LineBias {
    init(_ setting: GPIOBiasSetting) {
        switch setting {
        case .pullUp: self = .pullUp
        case .pullDown: self = .pullDown
        case .disabled: self = .disabled
        case .asIs: self = .asIs
        }
    }
}
