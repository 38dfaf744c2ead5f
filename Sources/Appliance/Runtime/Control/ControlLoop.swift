import AVS

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The control socket's `poll(2)` loop, run on its dedicated thread; every client's state is
/// created and used on that thread only.
struct ControlLoop: Sendable {
    let server: ControlServer
    let listener: Int32
    let wakeRead: Int32
    let policy: PeerPolicy

    /// One connection's state.
    private final class Client {
        let fd: Int32
        var splitter = ControlLineSplitter()
        var output: [UInt8] = []
        var subscribed = false
        /// Events dropped since this client last had room; told when it has room again.
        var dropped = 0
        var closing = false

        init(fd: Int32) { self.fd = fd }
    }

    func run() {
        let calls = server.calls
        var clients: [Client] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer {
            for client in clients { _ = calls.close(client.fd) }
            _ = calls.close(listener)
            _ = calls.close(wakeRead)
            unlink(server.path)
        }
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for client in clients {
                var events: Int16 = 0
                // Not read while its replies are backed up: a flooding client slows only itself.
                if client.output.count < server.limits.clientOutputBytes { events |= Int16(POLLIN) }
                if !client.output.isEmpty { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: client.fd, events: events, revents: 0))
            }
            let ready = fds.withUnsafeMutableBufferPointer { calls.poll($0.baseAddress!, $0.count, -1) }
            if ready < 0 && errno != EINTR { server.logger.error("control socket poll failed: \(errnoText())"); return }
            if fds[1].revents != 0 { drainWakeups(&buffer) }
            let (events, stopping) = server.shared.withLock { state in
                defer { state.mailbox.removeAll(keepingCapacity: true) }
                return (state.mailbox, state.stopping)
            }
            if stopping { return }
            for line in events {
                for client in clients where client.subscribed { deliver(line, to: client) }
            }
            for (index, client) in clients.enumerated() where index + 2 < fds.count {
                let revents = fds[index + 2].revents
                if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { receive(client, &buffer) }
                if !client.output.isEmpty { flush(client) }
            }
            for client in clients where client.closing { _ = calls.close(client.fd) }
            clients.removeAll { $0.closing }
            if fds[0].revents & Int16(POLLIN) != 0 { acceptClients(&clients) }
        }
    }

    private func drainWakeups(_ buffer: inout [UInt8]) {
        while buffer.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func acceptClients(_ clients: inout [Client]) {
        let calls = server.calls
        while true {
            let fd = calls.accept(listener)
            if fd < 0 {
                if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    server.logger.warning("control socket accept failed: \(errnoText())")
                }
                return
            }
            guard let peer = calls.peerCredentials(fd),
                  policy.allows(uid: peer.uid, gid: peer.gid, supplementaryGroups: PeerPolicy.supplementaryGroups(of: peer.pid)) else {
                let who = calls.peerCredentials(fd).map { "uid \($0.uid) (pid \($0.pid))" } ?? "an unknown peer"
                server.logger.warning("control socket: refused \(who): not root, not the hark user, not in the socket's group")
                server.shared.withLock { $0.statistics.refused += 1 }
                let client = Client(fd: fd)
                client.output = Self.errorLine("permission denied: add this user to the control socket's group (e.g. usermod -aG hark USER) and log in again")
                flush(client)
                _ = calls.close(fd)
                continue
            }
            let client = Client(fd: fd)
            guard clients.count < server.limits.clients else {
                client.output = Self.errorLine("too many control connections (\(server.limits.clients)); close one and retry")
                flush(client)
                _ = calls.close(fd)
                continue
            }
            server.shared.withLock { $0.statistics.accepted += 1 }
            clients.append(client)
        }
    }

    private func receive(_ client: Client, _ buffer: inout [UInt8]) {
        let count = buffer.withUnsafeMutableBytes { server.calls.read(client.fd, $0) }
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            client.closing = true
            return
        }
        guard count > 0 else { return }
        for piece in client.splitter.feed(buffer[..<count]) {
            switch piece {
            case .line(let line):
                client.output += reply(to: line, client)
            case .tooLong(let bytes):
                server.shared.withLock { $0.statistics.malformedLines += 1 }
                client.output += Self.errorLine(ControlLineError.tooLong(bytes).description)
            }
        }
    }

    private func reply(to line: [UInt8], _ client: Client) -> [UInt8] {
        let handler = server.handler
        switch ControlCommand.parse(line) {
        case .failure(let error):
            server.shared.withLock { $0.statistics.malformedLines += 1 }
            return Self.errorLine(error.description)
        case .success(let command):
            var fields: [String: JSONValue] = [:]
            switch command {
            case .tap: handler.trigger(.tap)
            case .press: handler.trigger(.press)
            case .release: handler.trigger(.release)
            case .stop: handler.trigger(.stop)
            case .volume(let level): handler.setVolume(level)
            case .mute(let muted): handler.setMuted(muted)
            case .status: fields = handler.status()
            case .events:
                client.subscribed = true
                fields["status"] = .string(server.hub.status.rawValue)
            }
            fields["ok"] = true
            return Array((JSONValue.object(fields).jsonText + "\n").utf8)
        }
    }

    private func deliver(_ line: [UInt8], to client: Client) {
        guard client.output.count + line.count <= server.limits.clientOutputBytes else {
            client.dropped += 1
            server.shared.withLock { $0.statistics.droppedEvents += 1 }
            return
        }
        if client.dropped > 0 {
            client.output += Array((JSONValue.object(["event": "dropped", "count": .number(Double(client.dropped))]).jsonText + "\n").utf8)
            client.dropped = 0
        }
        client.output += line
    }

    private func flush(_ client: Client) {
        while !client.output.isEmpty {
            let sent = client.output.withUnsafeBytes { server.calls.send(client.fd, $0) }
            if sent > 0 {
                client.output.removeFirst(sent)
            } else {
                if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { client.closing = true }
                return
            }
        }
    }

    static func errorLine(_ text: String) -> [UInt8] {
        Array((JSONValue.object(["ok": false, "error": .string(text)]).jsonText + "\n").utf8)
    }
}
