import AVSTransport

#if canImport(Glibc)
import Glibc
#endif

// token-writer <state directory>: replaces the refresh token through `TokenStore.save` as fast
// as it can, forever, each token a different length, so a test can `kill -9` it at random
// moments and check that the file is always whole. Prints "ready" once the first save is done.
/// Writes a line to a file descriptor with write(2) (stdio's globals are not concurrency-safe).
func say(_ text: String, to fd: Int32) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    say("usage: token-writer <state directory>", to: 2)
    exit(64)
}
let store = TokenStore(directory: arguments[1])
var counter = 0
while true {
    counter += 1
    let token = "Atzr|" + String(repeating: "x", count: 20 + counter % 400) + "|\(counter)"
    do {
        try store.save(RefreshToken(token))
    } catch {
        say("token-writer: \(error)", to: 2)
        exit(74)
    }
    if counter == 1 {
        say("ready", to: 1)
    }
}
