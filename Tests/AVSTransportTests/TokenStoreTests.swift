import Foundation
import Logging
import Synchronization
import Testing

@testable import AVSTransport
import Curl

/// A fresh directory under the system temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hark-transport-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct TokenStoreTests {
    @Test func savesAtomicallyWithMode0600AndLoadsBack() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TokenStore(directory: directory)
        #expect(try store.load() == nil)
        let previous = umask(0)  // even a permissive umask must not widen the mode
        defer { umask(previous) }
        try store.save(RefreshToken("Atzr|first"))
        try store.save(RefreshToken("Atzr|second"))
        #expect(try store.load() == RefreshToken("Atzr|second"))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["refresh-token"])
        try store.delete()
        #expect(try store.load() == nil)
        try store.delete()
    }

    @Test func existingWiderFileIsNarrowedTo0600() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TokenStore(directory: directory)
        _ = FileManager.default.createFile(atPath: store.path + ".tmp", contents: Data("junk".utf8), attributes: [.posixPermissions: 0o644])
        try store.save(RefreshToken("Atzr|x"))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func missingDirectoryNamesThePath() {
        let store = TokenStore(directory: "/nonexistent/hark-state")
        #expect(throws: TokenStoreError.self) { try store.save(RefreshToken("Atzr|x")) }
        do {
            try store.save(RefreshToken("Atzr|x"))
        } catch {
            #expect(error.description.contains("/nonexistent/hark-state/refresh-token"))
            #expect(!error.description.contains("Atzr"))
        }
    }

    @Test func tokensAreRedactedEverywhereTheyArePrinted() {
        let refresh = RefreshToken("Atzr|secret-refresh")
        let access = AccessToken("Atza|secret-access")
        let grant = TokenGrant(accessToken: access, refreshToken: refresh, expiresIn: .seconds(3600))
        let recorder = LogRecorder()
        var logger = Logger(label: "test") { _ in recorder }
        logger.logLevel = .trace
        logger.info("token \(refresh) access \(access)", metadata: ["grant": "\(grant)"])
        let request = HTTPRequest(method: .get, url: "https://avs.test/ping", headers: [access.authorizationHeader])
        let texts = [
            "\(refresh)", "\(access)", String(describing: grant), String(reflecting: grant), "\([refresh])", "\(request)",
        ]
            + recorder.lines
        for text in texts {
            #expect(!text.contains("secret"), "\(text)")
        }
        #expect(recorder.lines.count == 1)
    }
}

/// A swift-log handler that keeps each message and its metadata as text.
final class LogRecorder: LogHandler, Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }

    func log(event: LogEvent) {
        storage.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }
}
