import CALSA
import Foundation
import Testing

/// The shipped `asound.conf.d/50-hark.conf` parses with alsa-lib, defines the PCMs Hark and its
/// documentation promise, and its one card setting works (config file and `HARK_ALSA_CARD`).
///
/// Nothing here touches alsa-lib's process-global configuration (`snd_config`, which alsa-lib
/// caches): the structure is read into a private tree from `snd_config_top`, and the behaviour
/// that needs the whole configuration runs `aplay`/`arecord` as subprocesses whose
/// `ALSA_CONFIG_PATH`, `HOME` and `XDG_CONFIG_HOME` point at a temporary directory.
/// No sound card is needed: a card that does not exist makes the open fail with an error that
/// names the card alsa-lib resolved, which is what the card tests look for.
@Suite struct ShippedConfigTests {
    /// `asound.conf.d/50-hark.conf` in this checkout.
    static let fragment = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("asound.conf.d/50-hark.conf").path

    // MARK: structure, read with snd_config_load into a private tree

    @Test func definesTheHarkPCMs() throws {
        let config = try ConfigTree(loading: Self.fragment)
        #expect(config.string("pcm.hark_playback.type") == "plug")
        #expect(config.string("pcm.hark_playback.slave.pcm") == "hark_dmix")
        #expect(config.string("pcm.hark_dmix.type") == "dmix")
        #expect(config.string("pcm.hark_capture.type") == "plug")
        #expect(config.string("pcm.hark_capture.slave.pcm") == "hark_dsnoop")
        #expect(config.string("pcm.hark_dsnoop.type") == "dsnoop")
        #expect(config.string("pcm.hark.type") == "asym")
        #expect(config.string("pcm.hark.playback.pcm") == "hark_playback")
        #expect(config.string("pcm.hark.capture.pcm") == "hark_capture")
        #expect(config.string("pcm.hark_pulse.type") == "pulse")
        for pcm in ["hark_playback", "hark_capture", "hark", "hark_pulse"] {
            #expect(config.string("pcm.\(pcm).hint.description") != nil, "\(pcm) needs a hint to be listed by aplay -L")
        }
    }

    @Test func sharingSettingsAreUniqueAndOpen() throws {
        let config = try ConfigTree(loading: Self.fragment)
        let playbackKey = try #require(config.integer("defaults.hark.playback.ipc_key"))
        let captureKey = try #require(config.integer("defaults.hark.capture.ipc_key"))
        #expect(playbackKey != captureKey)
        // alsa-lib's own defaults (stock dmix/dsnoop) and the values every tutorial copies.
        let common: Set<Int> = [1024, 2048, 5_678_293]
        #expect(!common.contains(playbackKey) && !common.contains(captureKey))
        // alsa-lib adds up to (card << 12) + (subdevice << 8) + ... to each key: keep the two
        // ranges apart for any card index below 256.
        #expect(abs(playbackKey - captureKey) >= 0x100000)
        #expect(config.integer("defaults.hark.ipc_perm") == 0o666)
        for pcm in ["hark_dmix", "hark_dsnoop"] {
            #expect(config.string("pcm.\(pcm).ipc_key_add_uid") == "false", "\(pcm): users must share one key")
        }
    }

    @Test func bufferGeometryIsTheStatedLowLatencyOne() throws {
        let config = try ConfigTree(loading: Self.fragment)
        let rate = try #require(config.integer("defaults.hark.rate"))
        let period = try #require(config.integer("defaults.hark.period_size"))
        let buffer = try #require(config.integer("defaults.hark.buffer_size"))
        #expect(rate == 48_000)
        #expect(config.integer("defaults.hark.channels") == 2)
        #expect(config.string("defaults.hark.format") == "S16_LE")
        #expect(period * 1000 / rate == 10, "period 480 frames = 10 ms at 48 kHz")
        #expect(buffer == 4 * period, "buffer = 4 periods = 40 ms")
    }

    // MARK: behaviour, through alsa-utils with a private configuration

    @Test func aplayListsTheHarkPCMs() throws {
        let alsa = try PrivateALSAConfig(fragment: Self.fragment)
        let listing = try alsa.run("aplay", ["-L"]).stdout
        let names = Set(listing.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init))
        for pcm in ["hark_playback", "hark_capture", "hark", "hark_pulse"] {
            #expect(names.contains(pcm), "aplay -L does not list \(pcm):\n\(listing)")
        }
        #expect(!names.contains("hark_dmix"), "the raw dmix stays out of the listing")
    }

    @Test func cardIsTheShippedDefaultUnlessChanged() throws {
        let config = try ConfigTree(loading: Self.fragment)
        #expect(config.string("defaults.hark.card") == "sndrpihifiberry")
    }

    @Test(arguments: [("aplay", "hark_playback"), ("arecord", "hark_capture"), ("aplay", "hark"), ("arecord", "hark")])
    func laterConfigFileChoosesTheCard(tool: String, pcm: String) throws {
        let alsa = try PrivateALSAConfig(fragment: Self.fragment, local: #"defaults.hark.card "HarkNoSuchCardA""#)
        let result = try alsa.run(tool, ["-D", pcm, "-d", "1", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("HarkNoSuchCardA"), "\(tool) -D \(pcm) did not resolve the configured card:\n\(result.stderr)")
    }

    @Test func environmentOverridesTheConfiguredCard() throws {
        let alsa = try PrivateALSAConfig(fragment: Self.fragment, local: #"defaults.hark.card "HarkNoSuchCardA""#)
        for (tool, pcm) in [("aplay", "hark_playback"), ("arecord", "hark_capture")] {
            let result = try alsa.run(tool, ["-D", pcm, "-d", "1", "/dev/null"], environment: ["HARK_ALSA_CARD": "HarkNoSuchCardB"])
            #expect(result.stderr.contains("HarkNoSuchCardB"), "\(tool) -D \(pcm) ignored HARK_ALSA_CARD:\n\(result.stderr)")
            #expect(!result.stderr.contains("HarkNoSuchCardA"))
        }
    }
}

/// A configuration file read into a private tree (`snd_config_top` + `snd_config_load`),
/// not alsa-lib's global one; deleted with `snd_config_delete`.
private final class ConfigTree {
    private let top: OpaquePointer

    init(loading path: String) throws {
        var top: OpaquePointer?
        try check(snd_config_top(&top), "snd_config_top")
        self.top = top!
        var input: OpaquePointer?
        try check(snd_input_stdio_open(&input, path, "r"), "snd_input_stdio_open \(path)")
        defer { snd_input_close(input) }
        try check(snd_config_load(self.top, input), "snd_config_load \(path)")
    }

    deinit { snd_config_delete(top) }

    /// The leaf at a dotted key as text (`snd_config_get_ascii`), nil when absent or compound.
    func string(_ key: String) -> String? {
        var node: OpaquePointer?
        guard snd_config_search(top, key, &node) == 0 else { return nil }
        var ascii: UnsafeMutablePointer<CChar>?
        guard snd_config_get_ascii(node, &ascii) == 0, let ascii else { return nil }
        defer { free(ascii) }
        return String(cString: ascii)
    }

    /// The integer leaf at a dotted key (`snd_config_get_integer`).
    func integer(_ key: String) -> Int? {
        var node: OpaquePointer?
        var value = 0
        guard snd_config_search(top, key, &node) == 0, snd_config_get_integer(node, &value) == 0 else { return nil }
        return value
    }
}

private struct ConfigError: Error, CustomStringConvertible {
    var description: String
}

private func check(_ code: Int32, _ what: String) throws {
    if code < 0 { throw ConfigError(description: "\(what): \(String(cString: snd_strerror(code)))") }
}

/// alsa-utils run against alsa-lib's own alsa.conf, then the shipped fragment, then optional
/// local settings, with HOME and XDG_CONFIG_HOME in a temporary directory so the user's
/// ~/.asoundrc stays out. (The machine's /etc/alsa/conf.d is still read by alsa.conf's hooks;
/// anything set there is overridden by the fragment and local file, which come later.)
private final class PrivateALSAConfig {
    let directory: URL
    let configPath: String

    deinit { try? FileManager.default.removeItem(at: directory) }

    init(fragment: String, local: String = "") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hark-alsa-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let localFile = directory.appendingPathComponent("local.conf")
        try (local + "\n").write(to: localFile, atomically: true, encoding: .utf8)
        // ALSA_CONFIG_PATH is a list separated by ':'; alsa-lib loads the files in order.
        let alsaConf = String(cString: snd_config_topdir()) + "/alsa.conf"
        configPath = [alsaConf, fragment, localFile.path].joined(separator: ":")
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    func run(_ tool: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "XDG_CONFIG_HOME": directory.path,
            "ALSA_CONFIG_PATH": configPath,
        ]
        environment.merge(extra) { _, new in new }
        process.environment = environment
        // Files, not pipes: nothing can block on a full pipe.
        let out = directory.appendingPathComponent("\(tool).out"), err = directory.appendingPathComponent("\(tool).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
