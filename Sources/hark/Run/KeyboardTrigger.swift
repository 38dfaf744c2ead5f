import Appliance
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Keys on a terminal as the button: Enter taps, `h` toggles hold-to-talk, `s` stops, `q`
/// quits. The terminal goes to non-canonical mode without echo (`tcsetattr`) so a key acts at
/// once; `restore()` puts the saved mode back.
final class KeyboardTrigger: Sendable {
    private let saved: termios?

    init(session: SessionSlot, onQuit: @escaping @Sendable () -> Void) {
        var mode = termios()
        if tcgetattr(STDIN_FILENO, &mode) == 0 {
            saved = mode
            var raw = mode
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        } else {
            saved = nil
        }
        // A plain thread blocked in read(2): the cooperative pool is never blocked.
        Thread.detach {
            var holding = false
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 {
                switch byte {
                case UInt8(ascii: "\n"), UInt8(ascii: " "): session.trigger(.tap)
                case UInt8(ascii: "h"):
                    holding.toggle()
                    session.trigger(holding ? .press : .release)
                case UInt8(ascii: "s"): session.trigger(.stop)
                case UInt8(ascii: "q"): onQuit(); return
                default: continue
                }
            }
        }
    }

    func restore() {
        guard var saved else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}

/// A detached POSIX thread (`pthread_create`), for work that blocks in a system call.
enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, box) == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(box).release()
        }
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
