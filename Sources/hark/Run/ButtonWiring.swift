import AVS
import Appliance
import Audio
import Logging

/// `hark run`'s button, status light and earcons: what `[gpio]` and `[feedback]` configure,
/// fed by the session's notes. Runs without a button (and says so once) when none is
/// configured or the chip cannot be had.
struct ButtonWiring: Sendable {
    let panel: ButtonPanel?
    let earcons: EarconPlayer?

    static func start(settings: HarkSettings, session: SessionService, playbackDevice: String, logger: Logger) -> ButtonWiring {
        let panel: ButtonPanel?
        do {
            panel = try ButtonPanel.start(settings: settings.gpio, logger: Logger(label: "hark.button")) { gesture in
                session.trigger(gesture.trigger)
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

    /// The light follows the dialog; the earcons mark the microphone opening and closing.
    func observe(_ note: SessionNote) {
        switch note {
        case .state(let state): panel?.led?.show(ApplianceStatus(state))
        case .recognizeOpened: earcons?.play(.listeningStarted)
        case .captureEnded: earcons?.play(.listeningEnded)
        default: break
        }
    }

    func stop() async {
        await panel?.stop()
    }
}
