import ALSA

/// A sound card the kernel exposes, for `hark audio devices`.
public struct SoundCard: Sendable, Hashable {
    /// The card number (`hw:N`).
    public var index: Int
    /// The card id, usable as `hw:CARD=<id>` and in the shipped config's card variable.
    public var id: String
    /// The short name ("Loopback", "USB Audio Device").
    public var name: String
    /// The long name, with bus details.
    public var longName: String

    public init(index: Int, id: String, name: String, longName: String) {
        self.index = index
        self.id = id
        self.name = name
        self.longName = longName
    }
}

/// Every sound card alsa-lib sees (`snd_card_next`), in card order; empty when there are none
/// (a container without `/dev/snd`).
public func soundCards() -> [SoundCard] {
    ALSACard.all().map { SoundCard(index: $0.index, id: $0.id, name: $0.name, longName: $0.longName) }
}
