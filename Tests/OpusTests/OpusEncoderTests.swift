import Opus
import Testing

@Suite struct OpusEncoderTests {
    @Test func encoderUsesTheAVSSettings() throws {
        let encoder = try OpusEncoder()
        #expect(encoder.configuredBitrate == 32_000)
        #expect(encoder.isVBR == false)
        #expect(encoder.complexity == OpusEncoder.defaultComplexity)
        #expect(encoder.lookahead > 0)
        #expect(try OpusEncoder(complexity: 9).complexity == 9)
    }

    @Test func complexityOutOfRangeIsRefused() {
        #expect(throws: OpusError.self) { try OpusEncoder(complexity: 11) }
    }

    /// Complexity changes the effort, never the packet size.
    @Test(arguments: [0, 1, 5, 9, 10])
    func everyComplexityKeeps80BytePackets(complexity: Int) throws {
        let samples = try fixtureSamples("what-time-is-it-16k-mono.wav")
        let encoder = try OpusEncoder(complexity: complexity)
        for start in stride(from: 0, through: samples.count - 320, by: 320) {
            #expect(try encoder.encode(samples[start..<(start + 320)]).count == 80)
        }
    }

    /// Hard CBR: every packet is exactly 80 bytes, one per whole 320-sample frame, for a tone,
    /// for speech and for silence (where a VBR encoder would shrink to a few bytes).
    @Test(arguments: ["tone-440hz-16k-mono.wav", "what-time-is-it-16k-mono.wav", "silence"])
    func everyPacketIs80Bytes(input: String) throws {
        let samples = input == "silence" ? [Int16](repeating: 0, count: 16_000 + 100) : try fixtureSamples(input)
        let encoder = try OpusEncoder()
        var packets: [[UInt8]] = []
        for start in stride(from: 0, through: samples.count - 320, by: 320) {
            packets.append(try encoder.encode(samples[start..<(start + 320)]))
        }
        #expect(packets.count == samples.count / 320)
        #expect(packets.allSatisfy { $0.count == 80 })
    }

    @Test func wrongFrameLengthIsRefused() throws {
        let encoder = try OpusEncoder()
        #expect(throws: OpusError.self) { try encoder.encode([Int16](repeating: 0, count: 160)) }
    }

    @Test func errorsCarryTheLibraryMessage() {
        let error = OpusError(code: -4, operation: "opus_decode")
        #expect(error.message == "corrupted stream")
        #expect(error.description == "opus_decode failed: corrupted stream (-4)")
    }
}
