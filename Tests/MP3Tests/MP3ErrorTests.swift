import MP3
import Testing

/// Bad input ends in an MP3Error that says what was wrong, quickly: no crash, no hang.
@Suite(.timeLimit(.minutes(1))) struct MP3ErrorTests {
    @Test func truncatedStreamDecodesWhatIsThereThenFails() throws {
        let bytes = try fixtureBytes("truncated.mp3")
        let decoder = try MP3Decoder()
        let chunks = try decoder.feed(bytes)
        #expect(chunks.reduce(0) { $0 + $1.samples.count } > 10_000)
        #expect {
            _ = try decoder.finish()
        } throws: { error in
            guard case .truncated(let left, let frames)? = error as? MP3Error else { return false }
            return left > 0 && left < 144 && frames == decoder.framesDecoded
        }
    }

    @Test(arguments: ["corrupt.mp3", "not-mp3.mp3"])
    func garbageIsNotMP3(name: String) throws {
        let bytes = try fixtureBytes(name)
        #expect(throws: MP3Error.notMP3(bytesFed: bytes.count)) { try decode(bytes, pieces: [97]) }
    }

    /// A megabyte of noise, of 0xFF (all sync bits) or of zeros (an endless wrong download)
    /// fails soon after the junk limit instead of being buffered and scanned forever.
    @Test(arguments: ["noise", "0xFF", "zeros"])
    func endlessGarbageFailsAtTheJunkLimit(kind: String) throws {
        var random = SplitMix(state: 7)
        let noise: [UInt8] = switch kind {
        case "noise": (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case "0xFF": [UInt8](repeating: 0xFF, count: 1 << 20)
        default: [UInt8](repeating: 0, count: 1 << 20)
        }
        let decoder = try MP3Decoder()
        var fed = 0
        var failure: MP3Error?
        do {
            while fed < noise.count {
                _ = try decoder.feed(noise[fed..<(fed + 4096)])
                fed += 4096
            }
        } catch {
            failure = error
        }
        #expect(failure == .notMP3(bytesFed: decoder.bytesFed))
        #expect(decoder.bytesFed <= MP3Decoder.junkLimit + 4096)
    }

    /// Junk in the middle of a good stream: libmpg123 loses sync and gives up
    /// (MPG123_RESYNC_FAIL) rather than decode noise as audio.
    @Test func junkMidStreamIsCorrupt() throws {
        let good = try fixtureBytes("tone-440hz-24k-mono.mp3")
        var random = SplitMix(state: 11)
        let junk = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect {
            _ = try decode(Array(good[..<4000]) + junk + Array(good[4000...]), pieces: [500])
        } throws: { error in
            guard case .corrupt(_, let message, let frames)? = error as? MP3Error else { return false }
            return frames > 0 && !message.isEmpty
        }
    }

    /// Cut anywhere, or with bytes flipped anywhere, a stream decodes or throws MP3Error:
    /// never a crash, never a hang. Most cuts land inside a frame and must say "truncated".
    @Test func anyCutOrDamageEndsCleanly() throws {
        let good = try fixtureBytes("tone-440hz-24k-mono.mp3")
        var random = SplitMix(state: 99)
        var truncations = 0
        for _ in 0..<60 {
            let cut = Int.random(in: 1..<good.count, using: &random)
            do {
                _ = try decode(Array(good[..<cut]), pieces: [Int.random(in: 1...2000, using: &random)])
            } catch MP3Error.truncated {
                truncations += 1
            } catch is MP3Error {
                // a cut inside the first frame is notMP3: also a clean end
            }
        }
        #expect(truncations >= 50)
        for _ in 0..<60 {
            var damaged = good
            for _ in 0..<8 { damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            do {
                _ = try decode(damaged, pieces: [Int.random(in: 1...2000, using: &random)])
            } catch is MP3Error {
                // damage may or may not be detected; either way the decoder ends cleanly
            }
        }
    }

    @Test func emptyStreamIsNotMP3() throws {
        #expect(throws: MP3Error.notMP3(bytesFed: 0)) { _ = try MP3Decoder().finish() }
    }

    @Test func decoderIsSpentAfterFinish() throws {
        let decoder = try MP3Decoder()
        _ = try decoder.feed(try fixtureBytes("tone-440hz-24k-mono.mp3"))
        _ = try decoder.finish()
        #expect(throws: MP3Error.finished) { _ = try decoder.feed([0xFF]) }
        #expect(throws: MP3Error.finished) { _ = try decoder.finish() }
    }

    @Test func messagesSayWhatWasWrong() {
        #expect(MP3Error.notMP3(bytesFed: 5046).description.contains("not an MP3 stream"))
        #expect(MP3Error.truncated(bytesLeftOver: 133, framesDecoded: 32).description.contains("ends inside a frame"))
        #expect(MP3Error.corrupt(code: 28, message: "lost sync", framesDecoded: 3).description.contains("lost sync"))
    }
}
