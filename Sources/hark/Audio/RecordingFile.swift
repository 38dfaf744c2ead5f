import ArgumentParser
import Audio

/// What `hark audio record` writes.
enum RecordFormat: String, CaseIterable, ExpressibleByArgument {
    /// RIFF/WAVE, 16 kHz mono 16-bit: plays anywhere.
    case wav
    /// Raw signed 16-bit little-endian, 16 kHz mono: the AVS `AUDIO_L16_RATE_16000_CHANNELS_1` body.
    case l16
    /// Raw 80-byte Opus packets back to back: the AVS `OPUS` Recognize body, byte for byte.
    case opus

    /// The format a file name implies: `.wav`, `.l16`/`.raw`, `.opus`; nil for anything else.
    init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), !fileName[dot...].contains("/") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "wav", "wave": self = .wav
        case "l16", "raw", "pcm": self = .l16
        case "opus": self = .opus
        default: return nil
        }
    }
}

/// A recording being written: microphone chunks in, a finished file after `close()`.
protocol RecordingFile {
    mutating func append(_ chunk: [Int16]) throws
    /// Completes the file: the WAV header's sizes, the encoder's last whole packet.
    mutating func close() throws
}

/// A WAV file whose header is patched with the final sizes on `close()` (`WAVStreamWriter`).
struct WAVRecordingFile: RecordingFile {
    let writer: WAVStreamWriter

    init(path: String) throws {
        writer = try WAVStreamWriter(path: path, format: .microphone)
    }

    mutating func append(_ chunk: [Int16]) throws { try writer.append(chunk) }
    mutating func close() throws { try writer.close() }
}

/// The bytes AVS would get in a Recognize event (`MicrophoneEncoder`), written to a file.
struct EncodedRecordingFile: RecordingFile {
    var encoder: MicrophoneEncoder
    let file: OutputFile

    init(path: String, format: MicrophoneFormat) throws {
        encoder = try MicrophoneEncoder(format: format)
        file = try OutputFile(path: path)
    }

    mutating func append(_ chunk: [Int16]) throws { try file.write(try encoder.encode(chunk)) }

    mutating func close() throws {
        try file.write(encoder.finish())
        try file.close()
    }
}

/// Opens the right kind of `RecordingFile` for `format`.
func makeRecordingFile(path: String, format: RecordFormat) throws(CLIError) -> any RecordingFile {
    do {
        switch format {
        case .wav: return try WAVRecordingFile(path: path)
        case .l16: return try EncodedRecordingFile(path: path, format: .l16)
        case .opus: return try EncodedRecordingFile(path: path, format: .opus)
        }
    } catch let error as CLIError {
        throw error
    } catch {
        throw CLIError("cannot create '\(path)': \(error); check the directory exists and is writable",
                       exitCode: Sysexits.cannotCreate)
    }
}
