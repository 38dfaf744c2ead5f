import Foundation
import Testing

/// The spawner every subprocess test relies on.
@Suite struct ChildProcessTests {
    /// A child gets standard input, output and error and nothing else of the test process: an
    /// inherited socket or pipe end would outlive its owner's child and keep Foundation's
    /// `Process.waitUntilExit` (used by other suites) blocked until our child ended.
    @Test func childInheritsOnlyTheStandardDescriptors() async throws {
        let scratch = try makeScratchDirectory("spawn")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)  // no O_CLOEXEC, like Foundation's socketpair
        defer { pipeEnds.forEach { close($0) } }

        let lister = try ChildProcess("ls", ["/proc/self/fd"], environment: HarkBinary.environment(),
                                      scratch: scratch)
        #expect(await lister.waitForExit(timeout: .seconds(10)) == 0, "stderr: \(lister.stderr)")
        let open = Set(lister.stdout.split(separator: "\n").compactMap { Int32($0) })
        // 0-2, plus the directory ls itself opened to list.
        #expect(open.isSuperset(of: [0, 1, 2]), "\(open.sorted())")
        #expect(open.count == 4, "the child inherited more than stdio: \(open.sorted())")
        #expect(open.isDisjoint(with: pipeEnds), "the pipe leaked into the child: \(open.sorted())")
    }
}
