import Foundation

/// Audio comparison for the recordings: 16-bit PCM from a WAV file, and the best normalised
/// cross-correlation over small lags (Opus adds a few milliseconds of delay).
enum Correlation {
    /// Samples of the WAV's `data` chunk (16-bit little-endian; first channel).
    static func samples(wav url: URL) throws -> [Int16] {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        var offset = 12
        var channels = 1
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            if id == "fmt " { channels = Int(bytes[offset + 10]) | Int(bytes[offset + 11]) << 8 }
            if id == "data" {
                let end = min(bytes.count, offset + 8 + (size == 0 || size == 0xFFFF_FFFF ? bytes.count : size))
                var result: [Int16] = []
                var index = offset + 8
                while index + 1 < end {
                    result.append(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8))
                    index += 2 * channels
                }
                return result
            }
            offset += 8 + size + (size & 1)
        }
        throw HarnessError("no data chunk in \(url.path)")
    }

    /// max over lags 0...maxLag of corr(reference[i], recorded[i + lag]) on the overlap.
    static func best(reference: [Int16], recorded: [Int16], maxLag: Int = 800) -> Double {
        var best = -1.0
        for lag in stride(from: 0, through: maxLag, by: 4) {
            let count = min(reference.count, recorded.count - lag)
            guard count > 1600 else { break }
            var dot = 0.0, a2 = 0.0, b2 = 0.0
            for i in 0..<count {
                let a = Double(reference[i]), b = Double(recorded[i + lag])
                dot += a * b
                a2 += a * a
                b2 += b * b
            }
            if a2 > 0, b2 > 0 { best = max(best, dot / (a2.squareRoot() * b2.squareRoot())) }
        }
        return best
    }
}
