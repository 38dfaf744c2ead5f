import Audio
import Dispatch
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
public final class EarconPlayer: Sendable {
    private enum Request: Sendable {
        case play(Earcon)
        /// Resumed once everything queued before it has played.
        case flush(CheckedContinuation<Void, Never>)
    }

    private let inbox: AsyncStream<Request>.Continuation
    private let worker: Task<Void, Never>

    public init(playback: any AudioPlayback, logger: Logger) {
        let (requests, inbox) = AsyncStream.makeStream(of: Request.self)
        self.inbox = inbox
        worker = Task {
            var unavailable = false
            for await request in requests {
                switch request {
                case .play(let earcon) where !unavailable:
                    unavailable = !(await Self.play(earcon, on: playback, logger: logger))
                case .play:
                    continue
                case .flush(let continuation):
                    continuation.resume()
                }
            }
        }
    }

    deinit {
        inbox.finish()
    }

    /// Queues `earcon` after any still playing (any thread; returns at once).
    public func play(_ earcon: Earcon) {
        inbox.yield(.play(earcon))
    }

    /// Waits until everything queued so far has played.
    public func idle() async {
        await withCheckedContinuation { inbox.yield(.flush($0)) }
    }

    /// False when the device cannot be opened (logged here, once: the caller stops trying).
    private static func play(_ earcon: Earcon, on playback: any AudioPlayback, logger: Logger) async -> Bool {
        if let error = await begin(playback) {
            logger.warning("earcons: cannot open the playback device (\(error)); no listening tones from now on")
            return false
        }
        do {
            try await playback.write(earcon.samples)
            try await playback.finish()
        } catch {
            logger.debug("earcon \(earcon) cut short: \(error)")
        }
        return true
    }

    /// `begin(format:)` opens the PCM and waits for it: it blocks, so it runs on a Dispatch
    /// thread, not the cooperative pool (a dmix open took seconds on an emulated CPU, and the
    /// light and the session share that pool).
    private static func begin(_ playback: any AudioPlayback) async -> (any Error)? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try playback.begin(format: Earcon.format)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }
        }
    }
}
