import Appliance

#if canImport(Glibc)
import Glibc
#endif

/// Prints `+  1234 ms  <what happened>` lines on stdout, flushed at once so a script sees
/// them as they happen.
struct TranscriptPrinter: Sendable {
    let start: ContinuousClock.Instant
    let enabled: Bool

    func note(_ note: SessionNote) {
        line(note.description)
    }

    func line(_ text: String) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let stamp = String(milliseconds)
        print("+" + String(repeating: " ", count: max(0, 6 - stamp.count)) + stamp + " ms  " + text)
        fflush(nil)
    }
}

/// `fflush(nil)`, so a line printed before a long wait shows at once.
func fflushStandardOutput() {
    fflush(nil)
}
