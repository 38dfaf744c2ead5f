import COpus

/// An Opus decoder for the AVS microphone stream: turns 80-byte packets back into PCM.
/// Tests use it to check the encoder, and the AVS simulator uses it to turn recorded
/// Recognize audio back into sound.
///
/// Owns an `OpusDecoder *` from `opus_decoder_create`, freed with `opus_decoder_destroy` in
/// `deinit`. Decoder state is mutable and unsynchronised, so the class is not `Sendable`.
public final class OpusDecoder {
    /// Output sample rate in Hz.
    public let sampleRate: Int
    /// Output channel count.
    public let channels: Int

    private let handle: OpaquePointer

    /// Creates a decoder with `opus_decoder_create`.
    /// - Parameters:
    ///   - sampleRate: output rate in Hz; libopus accepts 8000, 12000, 16000, 24000 or 48000.
    ///   - channels: output channels, 1 or 2.
    public init(sampleRate: Int = 16_000, channels: Int = 1) throws(OpusError) {
        var error: Int32 = OPUS_OK
        guard let handle = opus_decoder_create(Int32(sampleRate), Int32(channels), &error),
              error == OPUS_OK
        else {
            throw OpusError(code: error, operation: "opus_decoder_create")
        }
        self.handle = handle
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit { opus_decoder_destroy(handle) }

    /// Decodes one packet with `opus_decode`.
    /// - Returns: interleaved PCM, `samples per channel × channels` values (320 for a 20 ms
    ///   packet at 16 kHz mono).
    public func decode(_ packet: ArraySlice<UInt8>) throws(OpusError) -> [Int16] {
        // 120 ms is the longest frame Opus has.
        let maxSamples = sampleRate * 120 / 1000
        var pcm = [Int16](repeating: 0, count: maxSamples * channels)
        let result = packet.withUnsafeBufferPointer { input in
            pcm.withUnsafeMutableBufferPointer { out in
                // The output holds 120 ms, never empty; a nil input is libopus's packet-loss case.
                opus_decode(handle, input.baseAddress, Int32(input.count), out.baseAddress!, Int32(maxSamples), 0)
            }
        }
        let samples = Int(try OpusError.check(result, "opus_decode"))
        pcm.removeSubrange((samples * channels)...)
        return pcm
    }

    /// Decodes one packet; see ``decode(_:)-(ArraySlice<UInt8>)``.
    public func decode(_ packet: [UInt8]) throws(OpusError) -> [Int16] {
        try decode(packet[...])
    }

    /// Decodes a stream of fixed-size packets written back to back, as AVS receives them.
    /// - Parameter packetBytes: the size of every packet (80 for AVS).
    /// - Returns: the PCM of all whole packets; a trailing partial packet throws
    ///   `OPUS_INVALID_PACKET`.
    public func decodeStream(_ bytes: [UInt8], packetBytes: Int = OpusEncoder.packetBytes) throws(OpusError) -> [Int16] {
        guard bytes.count % packetBytes == 0 else {
            throw OpusError(code: OPUS_INVALID_PACKET, operation: "decodeStream (\(bytes.count) bytes is not a whole number of \(packetBytes)-byte packets)")
        }
        var pcm: [Int16] = []
        pcm.reserveCapacity(bytes.count / packetBytes * sampleRate / 50 * channels)
        var start = 0
        while start < bytes.count {
            pcm += try decode(bytes[start..<(start + packetBytes)])
            start += packetBytes
        }
        return pcm
    }
}
