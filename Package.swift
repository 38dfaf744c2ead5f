// swift-tools-version:6.0
import PackageDescription
import Foundation

/// libgpiod's API generation as pkg-config reports it: 2 for libgpiod >= 2 (Debian 13), else 1
/// (Debian 12 ships 1.6). The GPIO module compiles its v1 or v2 file accordingly.
let gpiodAPIv2: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["pkg-config", "--modversion", "libgpiod"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    let version = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (Int(version.split(separator: ".").first ?? "") ?? 1) >= 2
}()

/// A system library found through pkg-config, installed on Debian by `apt`.
func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let package = Package(
    name: "Hark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hark", targets: ["hark"]),
        .executable(name: "hark-bench", targets: ["hark-bench"]),
        .executable(name: "hark-sim", targets: ["hark-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        // The AVS simulator's server stack; the firmware never links it.
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
    ],
    targets: [
        // C libraries: one module map and shim header each.
        systemLibrary("CALSA", pkgConfig: "alsa", apt: ["libasound2-dev"]),
        systemLibrary("CGPIOD", pkgConfig: "libgpiod", apt: ["libgpiod-dev"]),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: ["libcurl4-openssl-dev"]),
        systemLibrary("COpus", pkgConfig: "opus", apt: ["libopus-dev"]),
        systemLibrary("CMPG123", pkgConfig: "libmpg123", apt: ["libmpg123-dev"]),

        // Thin Swift wrappers, one C library each.
        .target(name: "ALSA", dependencies: ["CALSA"]),
        .target(name: "Opus", dependencies: ["COpus"]),
        .target(name: "MP3", dependencies: ["CMPG123"]),
        .target(name: "GPIO", dependencies: ["CGPIOD", "DedicatedThread"],
                swiftSettings: gpiodAPIv2 ? [.define("GPIOD_API_V2")] : []),
        // A thread of its own for a loop that blocks in C (ALSA reads and writes, curl polls).
        .target(name: "DedicatedThread"),
        .target(name: "Curl", dependencies: ["CCurl", "DedicatedThread"]),

        // Capture and playback engines, formats, device selection.
        .target(name: "Audio", dependencies: [
            "ALSA", "Opus", "MP3", "DedicatedThread",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Alexa Voice Service messages, multipart codec and capability agents: pure Swift.
        .target(name: "AVS"),
        .target(name: "AVSTransport", dependencies: [
            "Curl", "AVS",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // TOML 1.0 documents, pure Swift without Foundation (configuration and scenarios).
        .target(name: "TOML"),

        // The appliance: configuration, session wiring, services.
        .target(name: "Appliance", dependencies: [
            "Audio", "AVS", "AVSTransport", "MP3", "GPIO", "ALSA", "DedicatedThread", "Curl",
            "TOML",
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "hark", dependencies: [
            "Audio", "Appliance", "AVS", "AVSTransport", "Curl", "GPIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "hark-bench", dependencies: [
            "Audio", "Opus", "MP3",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Local AVS peer for tests and demos: HTTP/2 over TLS, LWA, scenarios, recording.
        .target(name: "HarkSimulator", dependencies: [
            "Opus", "Audio",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            "TOML",
        ]),
        .executableTarget(name: "hark-sim", dependencies: [
            "HarkSimulator",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["README.md"]),

        .testTarget(name: "ALSATests", dependencies: ["ALSA"]),
        .testTarget(name: "OpusTests", dependencies: ["Opus"]),
        .testTarget(name: "MP3Tests", dependencies: ["MP3"]),
        .testTarget(name: "AudioTests", dependencies: [
            "Audio", "ALSA",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CALSA", "CGPIOD", "CCurl", "COpus", "CMPG123"]),
        .testTarget(name: "HarkCLITests", dependencies: [
            "hark", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AVSTests", dependencies: ["AVS"]),
        .testTarget(name: "GPIOTests", dependencies: [
            "GPIO", "CGPIOD", "Appliance", "Audio", "ALSA", "AVS", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "CCurl"]),
        .testTarget(name: "AVSTransportTests", dependencies: [
            // Appliance and Audio: the session over the real transport and hark-sim.
            "AVSTransport", "Curl", "AVS", "Appliance", "Audio", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The appliance runtime: control socket, systemd notify and watchdog, supervision.
        .testTarget(name: "RuntimeTests", dependencies: [
            "Appliance", "AVS", "ALSA", "Audio",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // A child process for the kill -9 test: writes refresh tokens in a loop through TokenStore.
        // What several test targets share: the manual clock, the spawn file actions.
        .target(name: "TestSupport", path: "Tests/Support/TestSupport"),
        .executableTarget(name: "token-writer", dependencies: ["AVSTransport"], path: "Tests/Support/token-writer"),
        .testTarget(name: "ApplianceTests", dependencies: [
            "Appliance", "AVS", "AVSTransport", "Audio", "Curl", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Whole turns: the hark and hark-sim executables on loopback, real ALSA file PCMs.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"], exclude: ["Corpus", "tomllib-compare.py"]),
        .testTarget(name: "HarkSimulatorTests", dependencies: ["HarkSimulator", "Opus", "Audio"]),
    ],
    swiftLanguageModes: [.v6]
)
