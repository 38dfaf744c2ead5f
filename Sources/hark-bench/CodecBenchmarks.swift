import Audio
import MP3
import Opus

/// Opus encoding and MP3 decoding speed on the project's fixtures.
struct CodecBenchmarks {
    /// Folder holding the fixtures (`what-time-is-it-16k-mono.wav`, MP3 tones and speech).
    var fixtures: String
    /// Seconds of audio each benchmark processes per run.
    var audioSeconds: Double
    /// Runs per benchmark; the fastest is reported (the least disturbed by other processes).
    var runs: Int

    /// Encodes the spoken request, repeated to `audioSeconds`, through the microphone encoder
    /// in 10 ms chunks exactly as a Recognize stream is made.
    func opusEncode(complexity: Int) throws -> Measurement {
        let speech = try WAVFile.read(path: "\(fixtures)/what-time-is-it-16k-mono.wav").samples
        let total = Int(audioSeconds * 16_000)
        let chunks = stride(from: 0, to: total, by: 160).map { start in
            (start..<(start + 160)).map { speech[$0 % speech.count] }
        }
        return try best {
            var encoder = try MicrophoneEncoder(format: .opus, opusComplexity: complexity)
            return try measure {
                var bytes = 0
                for chunk in chunks { bytes += try encoder.encode(chunk).count }
                precondition(bytes == total / 320 * 80, "Opus stream has the wrong length")
                return Double(total) / 16_000
            }
        }
    }

    /// Decodes an MP3 fixture again and again (a fresh decoder per pass, 4 KB network-sized
    /// pieces) until `audioSeconds` of audio have come out.
    func mp3Decode(_ name: String) throws -> (Measurement, MP3Format) {
        let bytes = try readFile("\(fixtures)/\(name)")
        var format = MP3Format(sampleRate: 0, channels: 0)
        let measurement = try best {
            try measure {
                var seconds = 0.0
                while seconds < audioSeconds {
                    let decoder = try MP3Decoder()
                    var frames = 0
                    var start = 0
                    while start < bytes.count {
                        let end = min(bytes.count, start + 4096)
                        for chunk in try decoder.feed(bytes[start..<end]) {
                            frames += chunk.samples.count / chunk.format.channels
                            format = chunk.format
                        }
                        start = end
                    }
                    _ = try decoder.finish()
                    seconds += Double(frames) / Double(format.sampleRate)
                }
                return seconds
            }
        }
        return (measurement, format)
    }

    private func best(_ run: () throws -> Measurement) rethrows -> Measurement {
        var results: [Measurement] = []
        for _ in 0..<max(1, runs) { results.append(try run()) }
        return results.min { $0.wallSeconds / $0.audioSeconds < $1.wallSeconds / $1.audioSeconds }!
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        // The WAV reader's file access is internal to Audio; a small read loop keeps the
        // bench free of Foundation.
        guard let file = fopen(path, "rb") else { throw BenchError("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&block, 1, block.count, file)
            if count == 0 { break }
            bytes += block[..<count]
        }
        return bytes
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

#if canImport(Glibc)
import Glibc
#endif
