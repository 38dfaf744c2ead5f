import Foundation

/// The repository's Fixtures/ folder, found from this file's path.
func wavFixturePath(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// A fresh scratch path under the system temporary directory.
func temporaryWAVPath(_ name: String = "test") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("hark-\(name)-\(UUID().uuidString).wav").path
}

/// Builds a RIFF/WAVE file from a "fmt " body and raw data, with optional extra chunks before
/// "data", so rejection tests can describe exactly the header they mean.
func wavBytes(
    formatTag: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 16_000, bits: UInt16 = 16,
    blockAlign: UInt16? = nil, extraFormat: [UInt8] = [], extraChunks: [UInt8] = [],
    data: [UInt8], dataSize: UInt32? = nil, riff: String = "RIFF"
) -> [UInt8] {
    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> ($0 * 8)) } }
    let align = blockAlign ?? channels * bits / 8
    var fmt = le(formatTag) + le(channels) + le(rate) + le(rate * UInt32(align)) + le(align) + le(bits)
    fmt += extraFormat
    var body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(UInt32(fmt.count)) + fmt + extraChunks
    body += Array("data".utf8) + le(dataSize ?? UInt32(data.count)) + data
    return Array(riff.utf8) + le(UInt32(body.count)) + body
}
