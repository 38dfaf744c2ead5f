import Opus

/// Decodes a Recognize upload's audio part as it streams in: `OPUS` is 80-byte CBR packets
/// back to back (20 ms each), `AUDIO_L16_RATE_16000_CHANNELS_1` raw little-endian samples.
/// Confined to the stream's event loop (OpusDecoder is not Sendable).
final class RecognizeAudio {
    static let opusPacketBytes = 80

    let format: String
    private let decoder: OpusDecoder?
    private var pending: [UInt8] = []
    private(set) var samples: [Int16] = []
    private(set) var byteCount = 0

    init(format: String) throws(FormDataError) {
        self.format = format
        if format == "OPUS" {
            do {
                decoder = try OpusDecoder(sampleRate: 16_000, channels: 1)
            } catch {
                throw FormDataError("cannot create an Opus decoder: \(error)")
            }
        } else {
            decoder = nil
        }
    }

    /// Milliseconds of audio received so far.
    var milliseconds: Int { samples.count / 16 }

    func feed(_ bytes: [UInt8]) throws(FormDataError) {
        byteCount += bytes.count
        pending += bytes
        if let decoder {
            let whole = pending.count - pending.count % Self.opusPacketBytes
            var start = 0
            while start < whole {
                do {
                    samples += try decoder.decode(pending[start..<(start + Self.opusPacketBytes)])
                } catch {
                    throw FormDataError("Opus packet at byte \(byteCount - pending.count + start) does not decode: \(error)")
                }
                start += Self.opusPacketBytes
            }
            pending.removeFirst(whole)
        } else {
            let whole = pending.count - pending.count % 2
            var index = 0
            samples.reserveCapacity(samples.count + whole / 2)
            while index < whole {
                samples.append(Int16(bitPattern: UInt16(pending[index]) | UInt16(pending[index + 1]) << 8))
                index += 2
            }
            pending.removeFirst(whole)
        }
    }

    /// The audio part ended: a partial packet or sample is a protocol error.
    func finish() throws(FormDataError) {
        guard pending.isEmpty else {
            if decoder != nil {
                throw FormDataError("OPUS audio of \(byteCount) bytes is not a whole number of 80-byte packets")
            }
            throw FormDataError("L16 audio of \(byteCount) bytes ends inside a sample")
        }
    }
}
