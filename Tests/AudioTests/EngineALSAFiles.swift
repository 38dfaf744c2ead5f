import ALSA
import Foundation

/// A temporary directory with a test-only ALSA configuration of `file` PCMs over `null`.
///
/// The configuration reaches alsa-lib through `PCMDriver.system(configuration:)`
/// (`snd_pcm_open_lconf`), never through `ALSA_CONFIG_PATH`, so it does not depend on the
/// process environment or alsa-lib's cached global configuration, and tests run in parallel.
/// `file` and `null` are not paced: a second of audio passes in milliseconds, so these tests
/// prove the data path, not timing.
struct ALSAFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// `pcm.<name>`: records from `input` (raw S16_LE) through the `file` plugin's `infile`.
    static func microphone(_ name: String, input: String) -> String {
        """
        pcm.\(name) {
            type file
            slave.pcm { type null }
            file "/dev/null"
            infile "\(input)"
            format "raw"
        }

        """
    }

    /// `pcm.<name>`: plays into `output` (raw S16_LE) through the `file` plugin over `null`.
    static func speaker(_ name: String, output: String) -> String {
        """
        pcm.\(name) {
            type file
            slave.pcm { type null }
            file "\(output)"
            format "raw"
        }

        """
    }

    func writeRaw(_ samples: [Int16], to name: String) throws {
        let bytes = samples.withUnsafeBytes { Data($0) }
        try bytes.write(to: directory.appendingPathComponent(name))
    }

    func readRaw(_ name: String) throws -> [Int16] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }
}

/// A 440 Hz tone at `rate`, interleaved over `channels` (each channel a little different).
func tone(frames: Int, rate: Int, channels: Int) -> [Int16] {
    var samples: [Int16] = []
    samples.reserveCapacity(frames * channels)
    for frame in 0..<frames {
        let value = sin(2 * Double.pi * 440 * Double(frame) / Double(rate)) * 12_000
        for channel in 0..<channels {
            samples.append(Int16(value) &+ Int16(channel * 7))
        }
    }
    return samples
}
