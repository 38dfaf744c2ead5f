/// A whole RIFF/WAVE file of 16-bit PCM in memory: the demo microphone, `hark audio record`
/// output, test fixtures. Anything else (8/24/32-bit, float, compressed, not RIFF, truncated)
/// is refused with a ``WAVError`` that says so.
public struct WAVFile: Sendable, Equatable {
    /// Rate and channels of `samples`.
    public var format: AudioFormat
    /// Interleaved signed 16-bit samples (`frames × channels` values).
    public var samples: [Int16]

    public init(format: AudioFormat, samples: [Int16]) {
        self.format = format
        self.samples = samples
    }

    /// Sample frames (one sample per channel) in the file.
    public var frameCount: Int { format.channels > 0 ? samples.count / format.channels : 0 }

    /// Length in seconds.
    public var duration: Double { format.sampleRate > 0 ? Double(frameCount) / Double(format.sampleRate) : 0 }

    /// Reads and parses a WAV file.
    /// - Throws: ``WAVError`` naming `path` and the problem.
    public static func read(path: String) throws(WAVError) -> WAVFile {
        let bytes: [UInt8]
        do {
            bytes = try CodecPOSIXFile.openForReading(path).readAll()
        } catch {
            throw WAVError(path: path, problem: .unreadable(error.message))
        }
        return try WAVFile(bytes: bytes, path: path)
    }

    /// Parses WAV bytes already in memory; `path` only names them in errors.
    public init(bytes: [UInt8], path: String = "<memory>") throws(WAVError) {
        let header = try WAVHeader.parse(bytes, path: path)
        let end = header.dataOffset + header.dataBytes
        var samples = [Int16](repeating: 0, count: header.dataBytes / 2)
        samples.withUnsafeMutableBytes { out in
            out.copyBytes(from: bytes[header.dataOffset..<end])
        }
        // WAV is little-endian; convert in place on a big-endian host (a no-op on ours).
        for index in samples.indices { samples[index] = Int16(littleEndian: samples[index]) }
        self.init(format: header.format, samples: samples)
    }

    /// The file's bytes: a 44-byte canonical header (RIFF, "fmt " PCM 16-bit, "data") and the
    /// samples little-endian.
    public var bytes: [UInt8] {
        var bytes = WAVHeader.canonical(format: format, dataBytes: samples.count * 2)
        bytes.reserveCapacity(bytes.count + samples.count * 2)
        for sample in samples {
            let value = UInt16(bitPattern: sample)
            bytes.append(UInt8(truncatingIfNeeded: value))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        return bytes
    }

    /// Writes the file, replacing any file at `path`.
    /// - Throws: ``WAVError`` with ``WAVError/Problem/unwritable(_:)``.
    public func write(path: String) throws(WAVError) {
        do {
            let file = try CodecPOSIXFile.create(path)
            try file.write(bytes)
            try file.close()
        } catch {
            throw WAVError(path: path, problem: .unwritable(error.message))
        }
    }
}
