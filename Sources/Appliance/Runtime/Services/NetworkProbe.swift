#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether the network is up enough that AVS should be reachable: a default route exists
/// (`/proc/net/route`, `/proc/net/ipv6_route`), or the endpoint is on this host (tests, a local
/// simulator). Without one, staying offline is right and no rebuild would help.
public struct NetworkProbe: Sendable {
    public let isUp: @Sendable () -> Bool

    public init(isUp: @escaping @Sendable () -> Bool) {
        self.isUp = isUp
    }

    /// The real check for an endpoint URL (`https://host[:port]`).
    public static func system(endpoint: String) -> NetworkProbe {
        let local = isLoopback(endpoint)
        return NetworkProbe { local || hasDefaultRoute() }
    }

    static func isLoopback(_ endpoint: String) -> Bool {
        let host = endpoint.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        return host.hasPrefix("127.") || host.hasPrefix("[::1]") || host.hasPrefix("localhost")
    }

    /// A line of `/proc/net/route` whose destination is 00000000 (IPv4 default), or one of
    /// `/proc/net/ipv6_route` for ::/0 that is not the unreachable route on `lo`.
    static func hasDefaultRoute() -> Bool {
        let ipv4 = lines(of: "/proc/net/route").dropFirst().contains { line in
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            return fields.count > 3 && fields[1] == "00000000" && (Int(fields[3], radix: 16) ?? 0) & 0x1 != 0
        }
        if ipv4 { return true }
        return lines(of: "/proc/net/ipv6_route").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 9 && fields[0] == "00000000000000000000000000000000" && fields[1] == "00" && fields[9] != "lo"
        }
    }

    private static func lines(of path: String) -> [Substring] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1_048_576 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }
}
