/// Makes `messageId` and `dialogRequestId` values: random (version 4) UUIDs in the usual
/// lower-case 8-4-4-4-12 form.
///
/// A value type with its own generator state so that state machines can carry one and stay
/// deterministic in tests: seed it with a fixed number there, and from the system's random
/// source in the firmware. Identifiers must be unique, not secret, so a fast non-cryptographic
/// generator (SplitMix64) seeded from the system is enough.
public struct MessageIDSource: Sendable, RandomNumberGenerator {
    private var state: UInt64

    /// Seeded from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// A reproducible sequence, for tests.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The next identifier.
    public mutating func makeID() -> String {
        uuidV4(using: &self)
    }
}

/// A version 4 (random) UUID string made from `generator`.
public func uuidV4(using generator: inout some RandomNumberGenerator) -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in stride(from: 0, to: 16, by: 8) {
        let word: UInt64 = generator.next()
        for offset in 0..<8 { bytes[index + offset] = UInt8(truncatingIfNeeded: word >> (8 * offset)) }
    }
    bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
    bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
    let digits = Array("0123456789abcdef")
    var text = ""
    text.reserveCapacity(36)
    for (index, byte) in bytes.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return text
}
