import Audio
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The short tones for the start and end of listening, generated (no sound files to ship).
/// Two 70 ms notes a fifth apart: rising when the microphone opens, falling when it closes.
public enum Earcon: Sendable, Hashable, CaseIterable {
    case listeningStarted
    case listeningEnded

    /// The notes, in order, in Hz.
    public var notes: [Double] {
        switch self {
        case .listeningStarted: [880, 1320]
        case .listeningEnded: [1320, 880]
        }
    }

    public static let format = AudioFormat(sampleRate: 16_000, channels: 1)
    /// Each note's length.
    public static let noteDuration: Duration = .milliseconds(70)
    /// Fade in and out within each note so it does not click.
    static let fadeMilliseconds = 8
    /// Peak level: a third of full scale, clearly heard, not startling.
    static let amplitude = 0.33 * Double(Int16.max)

    /// The tone as 16 kHz mono S16 samples.
    public var samples: [Int16] {
        let rate = Double(Self.format.sampleRate)
        let perNote = Self.format.frames(milliseconds: 70)
        let fade = Self.format.frames(milliseconds: Self.fadeMilliseconds)
        var out: [Int16] = []
        out.reserveCapacity(perNote * notes.count)
        for frequency in notes {
            for index in 0..<perNote {
                let envelope = min(1, Double(min(index, perNote - 1 - index)) / Double(fade))
                let value = sin(2 * Double.pi * frequency * Double(index) / rate) * Self.amplitude * envelope
                out.append(Int16(value.rounded()))
            }
        }
        return out
    }
}

/// Plays earcons on a playback stream of their own (a second stream on the configured device:
/// dmix and PulseAudio mix it with speech). One at a time, in order, never blocking the caller.
/// A device that cannot be opened is logged once and earcons are skipped from then on.
public actor EarconPlayer {
    private let playback: any AudioPlayback
    private let logger: Logger
    private var unavailable = false
    private var queue: Task<Void, Never>?

    public init(playback: any AudioPlayback, logger: Logger) {
        self.playback = playback
        self.logger = logger
    }

    /// Queues `earcon` after any still playing.
    public nonisolated func play(_ earcon: Earcon) {
        Task { await self.enqueue(earcon) }
    }

    /// Waits until everything queued so far has played (tests).
    public func idle() async {
        await queue?.value
    }

    private func enqueue(_ earcon: Earcon) {
        let previous = queue
        queue = Task {
            await previous?.value
            await self.playNow(earcon)
        }
    }

    private func playNow(_ earcon: Earcon) async {
        guard !unavailable else { return }
        do {
            try playback.begin(format: Earcon.format)
        } catch {
            unavailable = true
            logger.warning("earcons: cannot open the playback device (\(error)); no listening tones from now on")
            return
        }
        do {
            try await playback.write(earcon.samples)
            try await playback.finish()
        } catch {
            logger.debug("earcon \(earcon) cut short: \(error)")
        }
    }
}
