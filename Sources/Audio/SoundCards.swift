import ALSA

/// A sound card the kernel exposes, for `hark audio devices`: alsa-lib's own description,
/// so callers above the engine need not import ALSA.
public typealias SoundCard = ALSACard

/// Every sound card alsa-lib sees (`snd_card_next`), in card order; empty when there are none
/// (a container without `/dev/snd`).
public func soundCards() -> [SoundCard] {
    ALSACard.all()
}
