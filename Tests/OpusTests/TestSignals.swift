import Foundation

/// The repository's Fixtures/ folder, found from this file's path.
func fixturePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// The samples of a 16-bit PCM WAV fixture (its "data" chunk), without the Audio module.
func fixtureSamples(_ name: String) throws -> [Int16] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixturePath(name))))
    var offset = 12
    while offset + 8 <= bytes.count {
        let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
        let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
        if id == "data" {
            let data = bytes[(offset + 8)..<(offset + 8 + size)]
            return stride(from: data.startIndex, to: data.endIndex - 1, by: 2).map {
                Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)
            }
        }
        offset += 8 + size + (size & 1)
    }
    throw CocoaError(.fileReadCorruptFile)
}

/// A sine at `frequency` Hz and `amplitude` (full scale 32767).
func sine(frequency: Double, sampleRate: Int, count: Int, amplitude: Double = 16_000) -> [Int16] {
    (0..<count).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate))) }
}

/// The lag (samples) by which `output` trails `input`, from the peak of their
/// cross-correlation over `0...maxLag`. The first `skip` input samples are left out: a
/// codec's first frames are its warm-up, and with a periodic signal they would favour a lag
/// a few periods late.
func delay(of output: [Int16], behind input: [Int16], maxLag: Int, skip: Int = 640) -> Int {
    let length = min(input.count, output.count) - maxLag
    var best = (lag: 0, score: -Double.infinity)
    for lag in 0...maxLag {
        var sum = 0.0
        for index in skip..<length { sum += Double(input[index]) * Double(output[index + lag]) }
        if sum > best.score { best = (lag, sum) }
    }
    return best.lag
}

/// Signal-to-noise ratio in dB of `output` (shifted back by `lag`) against `input`, over
/// `range` of the input, the noise being the sample-by-sample difference.
func snr(input: [Int16], output: [Int16], lag: Int, range: Range<Int>) -> Double {
    var signal = 0.0
    var noise = 0.0
    for index in range where index + lag < output.count {
        let x = Double(input[index])
        let error = x - Double(output[index + lag])
        signal += x * x
        noise += error * error
    }
    return 10 * log10(signal / max(noise, 1))
}
