/// An open `snd_pcm_t *`, as returned by `snd_pcm_open`.
///
/// Just the C pointer: it does not own anything. `PCM` is the owner that closes it. A fake
/// `PCMDriver` may hand out any non-null bit pattern (`PCMHandle(fake: 1)`), since only the
/// driver that made a handle ever dereferences it.
public struct PCMHandle: Hashable {
    /// The `snd_pcm_t *`.
    public let pointer: OpaquePointer

    public init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// A handle that is only an identity, for fake drivers in tests. `number` must be non-zero.
    public init(fake number: Int) {
        self.pointer = OpaquePointer(bitPattern: number)!
    }
}
