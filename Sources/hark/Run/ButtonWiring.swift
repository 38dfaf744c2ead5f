import AVS
import Appliance
import Audio
import Logging

/// `hark run`'s button, status light and earcons: what `[gpio]` and `[feedback]` configure,
/// fed by the status fan-out (the light shows every appliance status, offline and unlinked
/// included; the earcons follow the dialog's notes). Runs without a button (and says so once)
/// when none is configured or the chip cannot be had.
struct ButtonWiring: Sendable {
    let panel: ButtonPanel?
    let earcons: EarconPlayer?

    /// - Parameter trigger: where the button's gestures go (the current session, which the
    ///   runtime may rebuild).
    static func start(settings: HarkSettings, trigger: @escaping @Sendable (SessionService.Trigger) -> Void,
                      playbackDevice: String, logger: Logger) -> ButtonWiring {
        let panel: ButtonPanel?
        do {
            panel = try ButtonPanel.start(settings: settings.gpio, logger: Logger(label: "hark.button")) { gesture in
                trigger(gesture.trigger)
            }
            if panel == nil {
                logger.notice("no GPIO button configured (gpio.chip / gpio.button_line unset): running without a button")
            }
        } catch {
            logger.warning("running without a button: \(error)")
            panel = nil
        }
        panel?.led?.show(.offline)
        let earcons = settings.feedback.earcons
            ? EarconPlayer(playback: PlaybackEngine(device: playbackDevice, logger: Logger(label: "hark.earcons")),
                           logger: Logger(label: "hark.earcons"))
            : nil
        return ButtonWiring(panel: panel, earcons: earcons)
    }

    /// The light follows the appliance status; the earcons mark the microphone opening and
    /// closing.
    func observe(_ event: ApplianceEvent) {
        switch event {
        case .status(let status): panel?.led?.show(status)
        case .note(.recognizeOpened): earcons?.play(.listeningStarted)
        case .note(.captureEnded): earcons?.play(.listeningEnded)
        default: break
        }
    }

    func stop() async {
        await panel?.stop()
    }
}
