import Appliance
import GPIO
import Logging

/// Whether the configured GPIO chip opens and the button and light lines can be requested:
/// `ButtonPanel.start`, exactly as `hark run` does it, then stopped at once (the light is left
/// off). While the service runs it holds the lines, so this check says "busy" then.
enum GPIOCheck {
    static let name = "GPIO"

    static func run(settings: GPIOSettings, logger: Logger) async -> DoctorCheck {
        guard let chip = settings.chip, settings.buttonLine != nil || settings.ledLine != nil else {
            return .skipped(name, because: "no button or light configured (gpio.chip and gpio.button_line / gpio.led_line unset); the control socket still works")
        }
        let lines = [settings.buttonLine.map { "button line \($0)" }, settings.ledLine.map { "light line \($0)" }]
            .compactMap { $0 }.joined(separator: " and ")
        do {
            guard let panel = try ButtonPanel.start(settings: settings, logger: logger, onGesture: { _ in }) else {
                return .skipped(name, because: "no button or light configured")
            }
            await panel.stop()
            return .passed(name, "\(chip) opens; \(lines) can be requested")
        } catch {
            // GPIOError's text ends with its fix; the fix goes on its own line here.
            var problem = error.description
            if let fix = error.fix, problem.hasSuffix(": " + fix) { problem.removeLast(fix.count + 2) }
            return .failed(name, "\(chip), \(lines): \(problem)",
                           fix: error.fix ?? "check gpio.chip and the line numbers with `gpiodetect` and `gpioinfo`, see board/RASPBERRY-PI.md",
                           exitCode: Sysexits.unavailable)
        }
    }
}
