import MP3
import Testing

@Suite struct MP3DecoderTests {
    /// 1.5 s of 440 Hz, 24 kHz mono at 48 kbit/s. Its 144-byte frames are too small for a LAME
    /// gapless tag, so the encoder's delay and padding stay in: 36 000 source samples come
    /// back as 65 frames × 576 = 37 440. Allowed: the source length up to source + delay
    /// (576 + 529) + one frame of padding.
    @Test func speechFormatToneDecodesToLengthAndPitch() throws {
        let decoded = try decode(try fixtureBytes("tone-440hz-24k-mono.mp3"))
        #expect(decoded.formats == [MP3Format(sampleRate: 24_000, channels: 1)])
        #expect((36_000...(36_000 + 1105 + 576)).contains(decoded.samples.count))
        expectTone(decoded.samples[2000..<34_000], sampleRate: 24_000)
    }

    /// 1.5 s of 440 Hz, 44.1 kHz stereo at 128 kbit/s. Here lame writes its gapless tag and
    /// libmpg123 trims delay and padding; allowed: one frame (1152) either way of 66 150.
    @Test func cdFormatToneDecodesToLengthAndPitchOnBothChannels() throws {
        let decoded = try decode(try fixtureBytes("tone-440hz-44k-stereo.mp3"))
        #expect(decoded.formats == [MP3Format(sampleRate: 44_100, channels: 2)])
        let frames = decoded.samples.count / 2
        #expect(abs(frames - 66_150) <= 1152)
        for index in 0..<2 {
            let samples = channel(decoded.samples, index, of: 2)
            expectTone(samples[4000..<60_000], sampleRate: 44_100)
        }
    }

    /// The spoken demo reply decodes to 24 kHz mono speech, not silence.
    @Test func spokenReplyDecodes() throws {
        let decoded = try decode(try fixtureBytes("ten-oclock-24k-mono.mp3"))
        #expect(decoded.formats == [MP3Format(sampleRate: 24_000, channels: 1)])
        #expect(decoded.samples.count > 24_000)
        let peak = decoded.samples.map { abs(Int($0)) }.max() ?? 0
        #expect(peak > 3000)
    }

    /// Network reads come in any size: random pieces from 1 byte to 3 KB give the same PCM
    /// as the whole file at once.
    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func randomChunkSizesGiveIdenticalOutput(seed: UInt64) throws {
        for name in ["tone-440hz-24k-mono.mp3", "tone-440hz-44k-stereo.mp3"] {
            let bytes = try fixtureBytes(name)
            let whole = try decode(bytes, pieces: [bytes.count])
            var random = SplitMix(state: seed)
            let pieces = (0..<64).map { _ in Int.random(in: 1...3000, using: &random) }
            let pieced = try decode(bytes, pieces: pieces)
            #expect(pieced == whole, "\(name) seed \(seed)")
            #expect(!whole.samples.isEmpty)
        }
    }

    /// PCM comes out while the stream is still arriving: after the first quarter of the
    /// bytes, about a quarter of the audio is already there.
    @Test func decodesBeforeTheWholeStreamHasArrived() throws {
        let bytes = try fixtureBytes("tone-440hz-24k-mono.mp3")
        let decoder = try MP3Decoder()
        #expect(decoder.format == nil)
        let early = try decoder.feed(bytes[..<(bytes.count / 4)])
        let samples = early.reduce(0) { $0 + $1.samples.count }
        #expect(samples >= 37_440 / 4 - 2 * 576)
        #expect(decoder.format == MP3Format(sampleRate: 24_000, channels: 1))
        #expect(decoder.framesDecoded > 0)
    }

    /// Two tones of different formats back to back (as a concatenated download might be):
    /// the format change is reported, with the PCM split where it happens.
    @Test func formatChangeMidStreamStartsANewChunk() throws {
        let first = try fixtureBytes("tone-440hz-24k-mono.mp3")
        let second = try fixtureBytes("tone-440hz-44k-stereo.mp3")
        let decoded = try decode(first + second, pieces: [1000])
        #expect(decoded.formats == [MP3Format(sampleRate: 24_000, channels: 1), MP3Format(sampleRate: 44_100, channels: 2)])
    }

    /// A leading ID3v2 tag bigger than the junk limit (cover art) is skipped, not "not MP3".
    @Test func largeID3v2TagIsSkipped() throws {
        let tagSize = MP3Decoder.junkLimit + 10_000
        let syncsafe = (0..<4).reversed().map { UInt8((tagSize >> ($0 * 7)) & 0x7F) }
        let tag: [UInt8] = Array("ID3".utf8) + [3, 0, 0] + syncsafe + [UInt8](repeating: 0, count: tagSize)
        let decoded = try decode(tag + (try fixtureBytes("tone-440hz-24k-mono.mp3")))
        #expect(decoded.samples.count == 37_440)
    }

    func expectTone(_ samples: ArraySlice<Int16>, sampleRate: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let at440 = goertzel(samples, frequency: 440, sampleRate: sampleRate)
        for neighbour in [220.0, 400, 480, 880] {
            #expect(at440 > 100 * goertzel(samples, frequency: neighbour, sampleRate: sampleRate), "440 Hz vs \(neighbour) Hz", sourceLocation: sourceLocation)
        }
        let estimate = zeroCrossingFrequency(samples, sampleRate: sampleRate)
        #expect(abs(estimate - 440) < 3, "zero crossings say \(estimate) Hz", sourceLocation: sourceLocation)
    }
}
