import COpus

/// An Opus encoder set up exactly as the Alexa Voice Service wants microphone audio
/// (avs-device-sdk `SpeechEncoder/OpusEncoderContext.cpp`): 16 kHz mono,
/// `OPUS_APPLICATION_VOIP`, 32 kbit/s hard CBR, 20 ms frames. Every packet is then exactly
/// ``packetBytes`` long, which is what lets AVS read them back to back without framing.
///
/// Owns an `OpusEncoder *` from `opus_encoder_create` and frees it with
/// `opus_encoder_destroy` in `deinit`. libopus encoder state is mutable and unsynchronised,
/// so the class is deliberately not `Sendable`: one task or thread uses it at a time.
public final class OpusEncoder {
    /// Input sample rate in Hz.
    public static let sampleRate = 16_000
    /// Input channel count.
    public static let channels = 1
    /// Samples per channel in one 20 ms frame at 16 kHz.
    public static let frameSamples = 320
    /// Target bitrate in bit/s.
    public static let bitrate = 32_000
    /// Bytes in every packet: 32 000 bit/s × 20 ms / 8 bit.
    public static let packetBytes = 80
    /// The encoder's search effort, 0...10, when none is given. AVS does not see it (the
    /// stream is 80-byte CBR packets at any setting) and the avs-device-sdk leaves libopus's
    /// default (9). Measured with Debian's libopus 1.3.1 on a 2-core AMD EPYC VM, 16 kHz
    /// speech: complexity 9 encodes at 40× real time (2.5 % of a core), 5 at 83×, 1 at 203×
    /// (0.5 %), with waveform SNR 13.2, 13.3 and 12.1 dB. The firmware budget for
    /// capture + encode is 1 % of a core (more on a Raspberry Pi), so Hark uses 1.
    public static let defaultComplexity = 1

    private let handle: OpaquePointer

    /// Creates the encoder with `opus_encoder_create(16000, 1, OPUS_APPLICATION_VOIP)`, then
    /// `OPUS_SET_BITRATE(32000)`, `OPUS_SET_VBR(0)` and `OPUS_SET_COMPLEXITY` through the
    /// typed `opus_encoder_ctl` shims in COpus/shim.h.
    /// - Parameter complexity: CPU spent per frame, 0...10 (see ``defaultComplexity``);
    ///   out of range throws `OPUS_BAD_ARG`.
    public init(complexity: Int = OpusEncoder.defaultComplexity) throws(OpusError) {
        var error: Int32 = OPUS_OK
        guard let handle = opus_encoder_create(
            Int32(Self.sampleRate), Int32(Self.channels), OPUS_APPLICATION_VOIP, &error
        ), error == OPUS_OK else {
            throw OpusError(code: error, operation: "opus_encoder_create")
        }
        self.handle = handle
        try OpusError.check(hark_opus_set_bitrate(handle, Int32(Self.bitrate)), "OPUS_SET_BITRATE")
        // VBR off is hard CBR in libopus: every packet has the same size.
        try OpusError.check(hark_opus_set_vbr(handle, 0), "OPUS_SET_VBR")
        try OpusError.check(hark_opus_set_complexity(handle, Int32(clamping: complexity)), "OPUS_SET_COMPLEXITY")
    }

    deinit { opus_encoder_destroy(handle) }

    /// The bitrate the encoder reports (`OPUS_GET_BITRATE`), in bit/s.
    public var configuredBitrate: Int {
        var value: Int32 = 0
        _ = hark_opus_get_bitrate(handle, &value)
        return Int(value)
    }

    /// Whether VBR is on (`OPUS_GET_VBR`); false for AVS.
    public var isVBR: Bool {
        var value: Int32 = 0
        _ = hark_opus_get_vbr(handle, &value)
        return value != 0
    }

    /// The search effort the encoder reports (`OPUS_GET_COMPLEXITY`), 0...10.
    public var complexity: Int {
        var value: Int32 = 0
        _ = hark_opus_get_complexity(handle, &value)
        return Int(value)
    }

    /// Samples of delay the encoder adds (`OPUS_GET_LOOKAHEAD`): decoded audio lags the input
    /// by this much.
    public var lookahead: Int {
        var value: Int32 = 0
        _ = hark_opus_get_lookahead(handle, &value)
        return Int(value)
    }

    /// Encodes one 20 ms frame with `opus_encode`.
    /// - Parameter frame: exactly ``frameSamples`` samples of 16 kHz mono PCM; any other
    ///   count throws `OPUS_BAD_ARG` before libopus sees it.
    /// - Returns: one packet of exactly ``packetBytes`` bytes.
    public func encode(_ frame: ArraySlice<Int16>) throws(OpusError) -> [UInt8] {
        guard frame.count == Self.frameSamples else {
            throw OpusError(code: OPUS_BAD_ARG, operation: "opus_encode (\(frame.count) samples, want \(Self.frameSamples))")
        }
        var packet = [UInt8](repeating: 0, count: Self.packetBytes)
        let result = frame.withUnsafeBufferPointer { pcm in
            packet.withUnsafeMutableBufferPointer { out in
                // Both buffers are non-empty (320 samples, 80 bytes), so their base addresses exist.
                opus_encode(handle, pcm.baseAddress!, Int32(Self.frameSamples), out.baseAddress!, Int32(out.count))
            }
        }
        let written = Int(try OpusError.check(result, "opus_encode"))
        if written < packet.count { packet.removeSubrange(written...) }
        return packet
    }

    /// Encodes one 20 ms frame; see ``encode(_:)-(ArraySlice<Int16>)``.
    public func encode(_ frame: [Int16]) throws(OpusError) -> [UInt8] {
        try encode(frame[...])
    }
}
