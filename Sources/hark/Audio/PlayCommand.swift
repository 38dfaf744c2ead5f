import ArgumentParser
import Audio
import Logging
import MP3

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `hark audio play`: a WAV or MP3 file through the firmware's `PlaybackEngine` (software
/// volume, `plug` conversion, xrun recovery), the way Alexa's speech reaches the speaker.
struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play a .wav or .mp3 file to the playback PCM.",
        discussion: """
            MP3 is decoded as it is read, in 16 KiB pieces, the way Alexa's speech arrives over \
            the network; playback starts as soon as the first frame tells the rate and channels. \
            WAV must be 16-bit PCM. Ctrl-C (SIGINT) or SIGTERM stops at once.

            \(Sysexits.helpText)
            """)

    @Option(help: ArgumentHelp("ALSA PCM to play to (default: the automatic choice; see 'hark audio devices').", valueName: "pcm"))
    var device: String?

    @Option(
        parsing: .unconditional,  // so "--volume -5" reaches validate() and gets a clear message
        help: ArgumentHelp("Software volume, 0 to 100.", valueName: "0-100"))
    var volume: Int = 100

    @Argument(help: ArgumentHelp("The .wav or .mp3 file to play.", valueName: "input"))
    var input: String

    @OptionGroup var global: GlobalOptions

    enum Kind { case wav, mp3 }

    func validate() throws {
        guard (0...100).contains(volume) else {
            throw ValidationError("--volume must be 0 to 100 (got \(volume)); e.g. --volume 80")
        }
        if let device, device.isEmpty {
            throw ValidationError("--device is empty; give an ALSA PCM name such as hark_playback or pulse")
        }
        _ = try kind()
    }

    func kind() throws -> Kind {
        let name = input.split(separator: "/").last.map(String.init) ?? input
        let suffix = name.contains(".") ? name.split(separator: ".").last!.lowercased() : ""
        switch suffix {
        case "wav", "wave": return .wav
        case "mp3": return .mp3
        default:
            throw ValidationError(
                "cannot play '\(input)': only .wav (16-bit PCM) and .mp3 files are supported; convert it, e.g. sox '\(input)' out.wav")
        }
    }

    func run() async throws {
        let logger = try global.bootstrapLogging(label: "hark.play")
        let kind = try kind()
        let file = try InputFile(path: input)  // unreadable input fails before any device opens
        let selection = DeviceSelector.select(
            capture: nil, playback: device, environment: ProcessInfo.processInfo.environment)
        let pcm = selection.playback.pcm
        logger.info("playback device \(pcm): \(device == nil ? selection.playback.reason : "given with --device")")

        let engine = PlaybackEngine(device: pcm, logger: Logger(label: "hark.playback"))
        let player = FilePlayer(engine: engine, volume: volume, input: input, logger: logger)
        let trap = SignalTrap { signal in
            logger.notice("\(SignalTrap.name(signal)) received: stopping playback")
            player.interrupt()
        }
        defer { trap.cancel() }

        switch kind {
        case .wav: try await player.playWAV()
        case .mp3: try await player.playMP3(from: file)
        }
        let stats = engine.statistics
        logger.info("played \(player.seconds.formatted2) s of \(input)", metadata: [
            "device": "\(pcm)", "frames": "\(engine.playedFrames)", "volume": "\(volume)",
            "xruns": "\(stats.xruns)", "reopens": "\(stats.reopens)",
            "interrupted": "\(player.interrupted)",
        ])
    }
}
