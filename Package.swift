// swift-tools-version:6.0
import PackageDescription

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
        .target(name: "Curl", dependencies: ["CCurl"]),

        // Capture and playback engines, formats, device selection.
        .target(name: "Audio", dependencies: [
            "ALSA", "Opus", "MP3",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Alexa Voice Service messages, multipart codec and capability agents: pure Swift.
        .target(name: "AVS"),
        .target(name: "AVSTransport", dependencies: [
            "Curl", "AVS",
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "hark", dependencies: [
            "Audio",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "hark-bench", dependencies: [
            "Audio",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "ALSATests", dependencies: ["ALSA"]),
        .testTarget(name: "OpusTests", dependencies: ["Opus"]),
        .testTarget(name: "MP3Tests", dependencies: ["MP3"]),
        .testTarget(name: "AudioTests", dependencies: [
            "Audio", "ALSA",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CALSA", "CGPIOD", "CCurl", "COpus", "CMPG123"]),
        .testTarget(name: "HarkCLITests", dependencies: ["hark"]),
        .testTarget(name: "AVSTests", dependencies: ["AVS"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "CCurl"]),
        .testTarget(name: "AVSTransportTests", dependencies: [
            "AVSTransport", "Curl", "AVS",
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
