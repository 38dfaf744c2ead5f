import Foundation

/// Mono 16-bit PCM and what a test wants to know about it: loudness and pitch.
struct Tone {
    var samples: [Int16]
    var sampleRate: Int

    var seconds: Double { Double(samples.count) / Double(sampleRate) }

    /// Raw signed 16-bit little-endian.
    init(raw data: Data, sampleRate: Int) {
        self.sampleRate = sampleRate
        samples = data.withUnsafeBytes { bytes in
            stride(from: 0, to: bytes.count - 1, by: 2).map {
                Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: Int16.self))
            }
        }
    }

    init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// A RIFF/WAVE file of 16-bit mono PCM (what `hark audio record` writes), parsed here
    /// rather than with the code under test.
    init(wavFile path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count >= 12, data.prefix(4) == Data("RIFF".utf8), data[8..<12] == Data("WAVE".utf8) else {
            throw TestSetupError("\(path) is not a RIFF/WAVE file")
        }
        var offset = 12, rate = 0, channels = 0, bits = 0
        func le32(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24 }
        func le16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = le32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                channels = le16(body + 2); rate = le32(body + 4); bits = le16(body + 14)
            } else if id == "data" {
                guard channels == 1, bits == 16 else {
                    throw TestSetupError("\(path): \(channels) channels, \(bits) bits; expected mono 16-bit")
                }
                let end = min(body + size, data.count)
                self.init(raw: data.subdata(in: body..<end), sampleRate: rate)
                return
            }
            offset = body + size + (size & 1)
        }
        throw TestSetupError("\(path) has no data chunk")
    }

    /// Writes a sine of `frequency` Hz at half scale as a mono 16-bit WAV file.
    static func writeSine(frequency: Double, seconds: Double, sampleRate: Int = 16_000, to path: String) throws {
        let count = Int(seconds * Double(sampleRate))
        var data = Data()
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func put16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); put32(36 + count * 2)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); put32(16)
        put16(1); put16(1); put32(sampleRate); put32(sampleRate * 2); put16(2); put16(16)
        data.append(contentsOf: Array("data".utf8)); put32(count * 2)
        for index in 0..<count {
            let value = 16_000 * sin(2 * Double.pi * frequency * Double(index) / Double(sampleRate))
            put16(Int(Int16(value.rounded())) & 0xffff)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// The part from `start` to `end` seconds (clamped).
    func slice(from start: Double, to end: Double) -> Tone {
        let lower = max(0, min(samples.count, Int(start * Double(sampleRate))))
        let upper = max(lower, min(samples.count, Int(end * Double(sampleRate))))
        return Tone(samples: Array(samples[lower..<upper]), sampleRate: sampleRate)
    }

    /// Root mean square, as a fraction of full scale.
    var rms: Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot() / 32_768
    }

    /// From the first to the last sample louder than `threshold` (fraction of full scale).
    func trimmed(threshold: Double = 0.02) -> Tone {
        let limit = Int16(threshold * 32_768)
        guard let first = samples.firstIndex(where: { abs(Int($0)) > limit }),
              let last = samples.lastIndex(where: { abs(Int($0)) > limit }) else {
            return Tone(samples: [], sampleRate: sampleRate)
        }
        return Tone(samples: Array(samples[first...last]), sampleRate: sampleRate)
    }

    /// The pitch of a steady tone from its rising zero crossings, each placed between two
    /// samples by linear interpolation; hysteresis (the signal must dip below -10 % of its
    /// peak first) keeps low-level noise from adding crossings. nil with fewer than 3 crossings.
    var frequency: Double? {
        guard let peak = samples.map({ abs(Int($0)) }).max(), peak > 0 else { return nil }
        let arm = -Double(peak) / 10
        var armed = false
        var crossings: [Double] = []
        for index in 1..<samples.count {
            let previous = Double(samples[index - 1]), current = Double(samples[index])
            if current < arm { armed = true }
            if armed, previous < 0, current >= 0 {
                crossings.append(Double(index - 1) + (-previous) / (current - previous))
                armed = false
            }
        }
        guard crossings.count >= 3, let first = crossings.first, let last = crossings.last else { return nil }
        return Double(crossings.count - 1) * Double(sampleRate) / (last - first)
    }
}
