import ArgumentParser
import Foundation
import Opus

/// `hark-bench audio`: Opus encode and MP3 decode speed as multiples of real time, and the
/// CPU that capture plus Opus encoding costs per second of audio from a paced device.
struct AudioBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Opus encode and MP3 decode speed (× real time) and capture→encode CPU share."
    )

    @Option(help: "Seconds of audio per codec run.")
    var seconds: Double = 60

    @Option(help: "Runs per codec benchmark; the fastest is reported.")
    var runs: Int = 3

    @Option(help: "Seconds to capture from the paced PulseAudio device (0 skips it).")
    var captureSeconds: Double = 10

    @Option(help: "Folder with the audio fixtures.")
    var fixtures: String = defaultFixtures()

    func validate() throws {
        guard seconds > 0, runs > 0, captureSeconds >= 0 else {
            throw ValidationError("--seconds and --runs must be positive, --capture-seconds not negative")
        }
    }

    func run() async throws {
        let codecs = CodecBenchmarks(fixtures: fixtures, audioSeconds: seconds, runs: runs)
        var table = BenchTable()

        for complexity in [OpusEncoder.defaultComplexity, 5, 9] {
            let opus = try codecs.opusEncode(complexity: complexity)
            let note = complexity == OpusEncoder.defaultComplexity ? "Hark default" : complexity == 9 ? "libopus/AVS SDK default" : "middle"
            table.add("Opus encode, 16 kHz 32 kbit/s CBR, complexity \(complexity) (\(note))", opus, goal: "≥ 300× real time")
        }
        for name in ["ten-oclock-24k-mono.mp3", "tone-440hz-44k-stereo.mp3"] {
            let (mp3, format) = try codecs.mp3Decode(name)
            table.add("MP3 decode, \(format.sampleRate / 1000) kHz \(format.channels == 1 ? "mono" : "stereo")", mp3, goal: "≥ 200× real time")
        }

        emit(table.rendered)
        emit("× real time = audio seconds / wall seconds (fastest of \(runs)); CPU × = audio seconds / CPU seconds of the decoding thread.")
        if captureSeconds > 0 {
            emit("")
            await captureSection()
        }
    }

    /// Capture → encode from the paced PulseAudio device, or the reason it was skipped.
    func captureSection() async {
        if let reason = CaptureBenchmark.unavailableReason() {
            emit("capture→encode: skipped: \(reason)")
            return
        }
        do {
            let results = try await CaptureBenchmark(fixtures: fixtures, seconds: captureSeconds).run()
            var table = BenchTable(header: ["capture from 'pulse' (paced null-sink monitor)", "audio s", "wall s", "CPU s", "CPU % of a core", "bytes", "xruns/drops", "goal"])
            for result in results {
                let m = result.measurement
                let name = switch result.format {
                case .l16: "capture → L16 (capture alone)"
                case .opus: "capture → Opus (complexity \(OpusEncoder.defaultComplexity))"
                case nil: "reference: arecord -D pulse, same periods"
                }
                table.add(row: [name, format(m.audioSeconds, 2), format(m.wallSeconds, 2), format(m.cpuSeconds, 3),
                                 format(m.coreShare * 100, 2) + " %", String(result.bytes),
                                 result.format == nil ? "-" : "\(result.statistics.xruns)/\(result.statistics.droppedChunks)",
                                 result.format == nil ? "" : "≤ 1 % of a core"])
            }
            emit(table.rendered)
            emit("CPU = getrusage(RUSAGE_SELF) of this process (capture thread, pulse plugin, encoder) from the first chunk to the last;")
            emit("arecord's from wait4, start-up included.")
        } catch {
            emit("capture→encode: skipped: \(error)")
        }
    }

    /// Fixtures/ at the top of the source tree this executable was built from.
    static func defaultFixtures(file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Sources/hark-bench/AudioBenchmarkCommand.swift
        return parts.joined(separator: "/") + "/Fixtures"
    }
}

/// A plain text table: one row per benchmark.
struct BenchTable {
    private var rows: [[String]]

    init(header: [String] = ["benchmark", "audio s", "wall s", "× real time", "CPU ×", "CPU % of a core", "goal"]) {
        rows = [header]
    }

    mutating func add(_ name: String, _ m: Measurement, goal: String) {
        rows.append([name, format(m.audioSeconds, 1), format(m.wallSeconds, 3), format(m.realTimeFactor, 0) + "×",
                     format(m.cpuRealTimeFactor, 0) + "×", format(m.coreShare * 100, 3) + " %", goal])
    }

    mutating func add(row: [String]) { rows.append(row) }

    var rendered: String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == 0 ? cell.padding(to: widths[index]) : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// `value` with `digits` decimals, without Foundation's String(format:).
func format(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = digits == 0 ? String(Int(rounded)) : String(rounded)
    if digits > 0, let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

extension String {
    func padding(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

/// Writes a line to standard output at once (unbuffered), so the codec table shows before
/// the slower capture run even when the output is a file or a pipe.
func emit(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
