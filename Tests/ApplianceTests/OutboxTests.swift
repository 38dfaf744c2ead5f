import AVS
import AVSTransport
import Logging
import Synchronization
import Testing
@testable import Appliance

#if canImport(Glibc)
import Glibc
#endif

func temporaryStateDirectory(_ name: String) -> String {
    var template = Array("/tmp/hark-\(name)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

func alertEvent(_ name: String, _ token: String, id: String) -> Event {
    Event(header: MessageHeader(namespace: "Alerts", name: name, messageId: id), payload: ["token": .string(token)])
}

@Suite struct EventOutboxTests {
    @Test func eventsSurviveAReopenInOrderAndLeaveOnRemove() throws {
        let directory = temporaryStateDirectory("outbox")
        let outbox = try EventOutbox(directory: directory)
        for index in 1...12 { try outbox.append(alertEvent("AlertStarted", "t\(index)", id: "m\(index)")) }
        try outbox.remove(1)
        let reopened = try EventOutbox(directory: directory)
        #expect(reopened.pending.map(\.event.header.messageId) == (2...12).map { "m\($0)" })
        #expect(reopened.pending.first?.event == alertEvent("AlertStarted", "t2", id: "m2"))
        // New events continue the sequence after the highest stored one.
        #expect(try reopened.append(alertEvent("AlertStopped", "t1", id: "n")) == 13)
    }

    @Test func aWriteCutOffByACrashLeavesOnlyWholeEvents() throws {
        let directory = temporaryStateDirectory("outbox-torn")
        let outbox = try EventOutbox(directory: directory)
        try outbox.append(alertEvent("AlertStarted", "a", id: "1"))
        // What kill -9 in the middle of the next write leaves: a partial temp file (the rename
        // never happened). And a file someone else damaged.
        try AtomicFile.write(Array(#"{"namespace":"Alerts","na"#.utf8), to: outbox.path(2) + ".tmp")
        try AtomicFile.write(Array("garbage".utf8), to: outbox.path(3))
        let reopened = try EventOutbox(directory: directory)
        #expect(reopened.pending.map(\.event.header.messageId) == ["1"])
        #expect(reopened.quarantined == ["00000000000000000003.event"])
        #expect(access(outbox.path(2) + ".tmp", F_OK) != 0)
        #expect(access(outbox.path(3) + ".bad", F_OK) == 0)
    }

    @Test func aFailingDiskIsReportedNotSwallowed() throws {
        let directory = temporaryStateDirectory("outbox-full")
        var disk = OutboxDisk.system
        disk.write = { _, path throws(StateFileError) in throw StateFileError(path: path, operation: "write", reason: "No space left on device") }
        let outbox = try EventOutbox(directory: directory, disk: disk)
        #expect(throws: StateFileError.self) { try outbox.append(alertEvent("AlertStarted", "a", id: "1")) }
        #expect(outbox.pending.isEmpty)
    }
}

/// AVS as the outbox sees it: answers each send from a script (then 204), recording the order.
final class ScriptedAVS: Sendable {
    private let state = Mutex<(script: [EventResult], sent: [String])>(([], []))

    init(_ script: [EventResult]) { state.withLock { $0.script = script } }

    func send(_ event: Event) async -> EventResult {
        state.withLock { state in
            state.sent.append(event.header.messageId)
            return state.script.isEmpty ? .delivered(status: 204) : state.script.removeFirst()
        }
    }

    var sent: [String] { state.withLock { $0.sent } }
}

@Suite struct OutboxSenderTests {
    func waitUntil(_ condition: () -> Bool) async {
        for _ in 0..<500 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func failuresKeepTheOrderAndEverythingArrivesOnce() async throws {
        let directory = temporaryStateDirectory("sender")
        let avs = ScriptedAVS([.failed(.init(code: 7)), .refused(status: 503, body: ""), .delivered(status: 204),
                               .refused(status: 500, body: "")])
        let sender = OutboxSender(outbox: try EventOutbox(directory: directory), send: avs.send, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        for index in 1...3 { try sender.deliver(alertEvent("AlertStarted", "t", id: "m\(index)")) }
        let run = Task { await sender.run() }
        // Each failure waits for a backoff or a nudge; nudge as a reconnect would.
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(30))
            sender.nudge()
        }
        await waitUntil { sender.outbox.pending.isEmpty }
        run.cancel()
        #expect(sender.outbox.pending.isEmpty)
        // m1 failed twice, then went; m2 failed once; nothing was sent out of order.
        #expect(avs.sent == ["m1", "m1", "m1", "m2", "m2", "m3"])
        #expect(try EventOutbox(directory: directory).pending.isEmpty)
    }

    @Test func aRefusalForGoodIsDroppedNotRetriedForever() async throws {
        let avs = ScriptedAVS([.refused(status: 400, body: "{}")])
        let sender = OutboxSender(outbox: try EventOutbox(directory: temporaryStateDirectory("sender400")), send: avs.send,
                                  logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try sender.deliver(alertEvent("AlertStarted", "t", id: "bad"))
        try sender.deliver(alertEvent("AlertStopped", "t", id: "good"))
        let run = Task { await sender.run() }
        await waitUntil { sender.outbox.pending.isEmpty }
        run.cancel()
        #expect(avs.sent == ["bad", "good"])
    }
}

@Suite struct AlertStoreTests {
    @Test func alertsAndTheIndicatorSurviveARestart() throws {
        let directory = temporaryStateDirectory("alerts")
        let alert = Alert(token: "a", kind: .alarm, scheduledTime: AlertTime(secondsSince1970: 1_800_000_000),
                          assets: [.init(id: "x", url: "https://x")], assetPlayOrder: ["x"], loopCount: 3, loopPauseInMilliseconds: 100)
        try AlertStore(directory: directory).save([alert])
        #expect(try AlertStore(directory: directory).load() == [alert])
        try IndicatorStore(directory: directory).save(.init(isEnabled: true, persistVisualIndicator: true))
        #expect(try IndicatorStore(directory: directory).load() == .init(isEnabled: true, persistVisualIndicator: true))
        #expect(access(directory + "/alerts.json.tmp", F_OK) != 0)
    }

    @Test func aDamagedStoreSaysWhichFileAndHowToFixIt() throws {
        let directory = temporaryStateDirectory("alerts-bad")
        try AtomicFile.write(Array("{not json".utf8), to: directory + "/alerts.json")
        do {
            _ = try AlertStore(directory: directory).load()
            Issue.record("garbage loaded")
        } catch {
            #expect(error.description.contains("alerts.json") && error.description.contains("delete it"))
        }
    }
}
