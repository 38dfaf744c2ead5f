import ArgumentParser
import Audio

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `hark audio devices`: which PCMs Hark would open for capture and playback, why, and the
/// ALSA cards the kernel shows.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Show the capture and playback PCMs Hark would use and why, and the sound cards.",
        discussion: """
            The choice, in order: --capture/--playback if given (the configured names); else \
            the shipped hark_capture/hark_playback PCMs when asound.conf.d is installed; else \
            the ALSA 'pulse' PCM when a PulseAudio server answers (PULSE_SERVER, \
            $XDG_RUNTIME_DIR/pulse/native, /run/user/<uid>/pulse/native); else 'default'. \
            PULSE_SERVER set and answering beats the shipped PCMs.

            \(Sysexits.helpText)
            """)

    @Option(help: ArgumentHelp("Capture PCM to use instead of the automatic choice.", valueName: "pcm"))
    var capture: String?

    @Option(help: ArgumentHelp("Playback PCM to use instead of the automatic choice.", valueName: "pcm"))
    var playback: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = try global.bootstrapLogging()
        let selection = DeviceSelector.select(
            capture: capture, playback: playback, environment: ProcessInfo.processInfo.environment)
        print("capture:  \(selection.capture.pcm)  (\(selection.capture.reason))")
        print("playback: \(selection.playback.pcm)  (\(selection.playback.reason))")
        let cards = soundCards()
        if cards.isEmpty {
            print("cards:    none (no ALSA sound card; /proc/asound/cards is empty or missing)")
        } else {
            print("cards:")
            for card in cards {
                print("  \(card.index): \(card.id)  \(card.name)")
            }
        }
    }
}
