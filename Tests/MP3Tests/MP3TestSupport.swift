import Foundation
import MP3

/// The repository's Fixtures/ folder, found from this file's path.
func fixtureBytes(_ name: String, file: String = #filePath) throws -> [UInt8] {
    let url = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    return [UInt8](try Data(contentsOf: url))
}

/// Everything a decoder produced: the formats seen in order and all samples.
struct Decoded: Equatable {
    var formats: [MP3Format] = []
    var samples: [Int16] = []

    mutating func add(_ chunks: [MP3Chunk]) {
        for chunk in chunks {
            if formats.last != chunk.format { formats.append(chunk.format) }
            samples += chunk.samples
        }
    }
}

/// Feeds `bytes` in pieces of the given sizes (cycled), then finishes.
func decode(_ bytes: [UInt8], pieces: [Int] = [4096]) throws -> Decoded {
    let decoder = try MP3Decoder()
    var result = Decoded()
    var start = 0
    var index = 0
    while start < bytes.count {
        let end = min(bytes.count, start + pieces[index % pieces.count])
        result.add(try decoder.feed(bytes[start..<end]))
        start = end
        index += 1
    }
    result.add(try decoder.finish())
    return result
}

/// One channel of interleaved samples.
func channel(_ samples: [Int16], _ index: Int, of channels: Int) -> [Int16] {
    stride(from: index, to: samples.count, by: channels).map { samples[$0] }
}

/// Power at `frequency` (Goertzel), normalised by length.
func goertzel(_ samples: ArraySlice<Int16>, frequency: Double, sampleRate: Int) -> Double {
    let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
    var (s1, s2) = (0.0, 0.0)
    for sample in samples {
        let s0 = Double(sample) + coefficient * s1 - s2
        s2 = s1
        s1 = s0
    }
    return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / Double(samples.count * samples.count)
}

/// Frequency estimated from upward zero crossings per second.
func zeroCrossingFrequency(_ samples: ArraySlice<Int16>, sampleRate: Int) -> Double {
    var crossings = 0
    var previous = samples.first ?? 0
    for sample in samples.dropFirst() {
        if previous < 0 && sample >= 0 { crossings += 1 }
        previous = sample
    }
    return Double(crossings) * Double(sampleRate) / Double(samples.count)
}

/// A small deterministic generator (SplitMix64) for chunk sizes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
