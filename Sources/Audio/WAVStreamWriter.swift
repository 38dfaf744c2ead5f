/// Writes a WAV file as audio arrives, for recordings of unknown length: the header goes out
/// first with "unknown" sizes (which readers, ours included, take as "to the end of the
/// file", so a recording cut off by a crash still plays), and ``close()`` patches the real
/// sizes in.
///
/// Owns the file descriptor; not `Sendable`, one task writes.
public final class WAVStreamWriter {
    /// The file being written.
    public let path: String
    /// Rate and channels of the samples.
    public let format: AudioFormat
    /// Samples (not frames) written so far.
    public private(set) var samplesWritten = 0

    private var file: CodecPOSIXFile?

    /// Creates (or truncates) `path` and writes the header.
    public init(path: String, format: AudioFormat) throws(WAVError) {
        self.path = path
        self.format = format
        do {
            let file = try CodecPOSIXFile.create(path)
            try file.write(WAVHeader.canonical(format: format, dataBytes: nil))
            self.file = file
        } catch {
            throw WAVError(path: path, problem: .unwritable(error.message))
        }
    }

    /// Appends interleaved samples, little-endian.
    public func append(_ samples: [Int16]) throws(WAVError) {
        guard let file else { throw WAVError(path: path, problem: .unwritable("already closed")) }
        do {
            try samples.withUnsafeBufferPointer { buffer throws(CodecFileError) in
                #if _endian(little)
                try file.write(UnsafeRawBufferPointer(buffer))
                #else
                try file.write(buffer.flatMap { WAVHeader.le(UInt16(bitPattern: $0)) })
                #endif
            }
        } catch {
            throw WAVError(path: path, problem: .unwritable(error.message))
        }
        samplesWritten += samples.count
    }

    /// Patches the RIFF and data sizes with `pwrite` and closes the file. Further calls do
    /// nothing.
    public func close() throws(WAVError) {
        guard let file else { return }
        self.file = nil
        let dataBytes = samplesWritten * 2
        do {
            try file.write(WAVHeader.le(UInt32(clamping: dataBytes + 36)), at: WAVHeader.riffSizeOffset)
            try file.write(WAVHeader.le(UInt32(clamping: dataBytes)), at: WAVHeader.dataSizeOffset)
            try file.close()
        } catch {
            throw WAVError(path: path, problem: .unwritable(error.message))
        }
    }

    deinit { try? close() }
}
