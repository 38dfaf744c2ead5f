import CALSA

#if canImport(Glibc)
import Glibc
#endif

/// A sound card the kernel exposes (`/proc/asound/cards`), as alsa-lib lists it.
public struct ALSACard: Sendable, Hashable {
    /// The card number (`hw:N`).
    public var index: Int
    /// The card's id, usable as `hw:CARD=<id>` (`snd_ctl_card_info_get_id`).
    public var id: String
    /// The short name (`snd_card_get_name`), for example "Loopback".
    public var name: String
    /// The long name (`snd_card_get_longname`), for example "Loopback 1".
    public var longName: String

    public init(index: Int, id: String, name: String, longName: String) {
        self.index = index
        self.id = id
        self.name = name
        self.longName = longName
    }

    /// Every card, in order (`snd_card_next` from -1 until it gives -1). Empty when there are none
    /// or the card list cannot be read.
    public static func all() -> [ALSACard] {
        ErrorOutput.silence()
        var cards: [ALSACard] = []
        var index: Int32 = -1
        while snd_card_next(&index) >= 0, index >= 0 {
            let name = string(from: snd_card_get_name, index) ?? "card \(index)"
            let longName = string(from: snd_card_get_longname, index) ?? name
            cards.append(ALSACard(index: Int(index), id: cardID(index) ?? name, name: name, longName: longName))
        }
        return cards
    }

    /// Calls `snd_card_get_name` or `snd_card_get_longname`, which return a `malloc`ed string.
    private static func string(from get: (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32, _ index: Int32) -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard get(index, &text) >= 0, let text else { return nil }
        defer { free(text) }
        return String(cString: text)
    }

    /// `snd_ctl_open("hw:N")`, `snd_ctl_card_info`, `snd_ctl_card_info_get_id`.
    private static func cardID(_ index: Int32) -> String? {
        var ctl: OpaquePointer?
        guard snd_ctl_open(&ctl, "hw:\(index)", 0) >= 0, let ctl else { return nil }
        defer { snd_ctl_close(ctl) }
        var allocated: OpaquePointer?
        guard snd_ctl_card_info_malloc(&allocated) >= 0, let info = allocated else { return nil }
        defer { snd_ctl_card_info_free(info) }
        guard snd_ctl_card_info(ctl, info) >= 0, let id = snd_ctl_card_info_get_id(info) else { return nil }
        return String(cString: id)
    }
}
