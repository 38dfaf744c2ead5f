/// The reconnect delay table (avs-device-sdk `TransportDefines.cpp`): 0.25, 1, 3, 5, 10 and
/// 20 s, then 20 s forever, each randomised by ±50 %. There is no last attempt: the SDK's
/// known bug was a client that stopped retrying after a long outage.
public struct ReconnectBackoff: Sendable, Hashable {
    /// The delays before the first, second, … retry, before jitter.
    public static let table: [Duration] = [
        .milliseconds(250), .seconds(1), .seconds(3), .seconds(5), .seconds(10), .seconds(20),
    ]
    /// ±50 %: a delay is scaled by a factor in [0.5, 1.5).
    public static let jitterFraction = 0.5

    public init() {}

    /// The delay before retry number `failures` (1 for the first retry), with `unitRandom`
    /// in [0, 1) choosing where in the ±50 % window it falls.
    public func delay(afterFailures failures: Int, unitRandom: Double) -> Duration {
        let base = Self.table[min(max(failures, 1), Self.table.count) - 1]
        let factor = 1 - Self.jitterFraction + 2 * Self.jitterFraction * min(max(unitRandom, 0), 1)
        return base * factor
    }
}

/// A source of uniformly distributed numbers in [0, 1), injected into state machines so
/// tests choose the jitter.
public struct Jitter: Sendable {
    private let next: @Sendable () -> Double

    public init(_ next: @escaping @Sendable () -> Double) {
        self.next = next
    }

    /// A number in [0, 1).
    public func unitRandom() -> Double { next() }

    /// The system random number generator.
    public static let system = Jitter { Double.random(in: 0..<1) }

    /// Always `value` (0 gives the shortest delay, just under 1 the longest).
    public static func fixed(_ value: Double) -> Jitter { Jitter { value } }
}
