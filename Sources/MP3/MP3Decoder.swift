import CMPG123

/// `mpg123_init` once per process. Swift initialises globals exactly once, thread-safely
/// (swift_once), which is the guarantee libmpg123 asks for (since 1.27 the call is a no-op,
/// but older libraries need it before the first `mpg123_new`).
private let libraryInitialised: Int32 = mpg123_init()

/// A streaming MP3 decoder over libmpg123's feed reader (`mpg123_open_feed`).
///
/// Bytes go in as they arrive from the network (``feed(_:)``) and PCM comes out as soon as
/// a whole frame is there, as signed 16-bit interleaved samples at the stream's own rate and
/// channel count (``format``). ``finish()`` at the end of input says whether the stream was
/// whole: no frame at all, a frame cut short, or a stream libmpg123 gave up on each end in
/// an ``MP3Error``.
///
/// Owns an `mpg123_handle` from `mpg123_new`, freed with `mpg123_delete` in `deinit`. The
/// handle is mutable, unsynchronised state, so the class is not `Sendable`: one task feeds it.
public final class MP3Decoder {
    /// How far past any ID3v2 tag the decoder looks for a first frame before it calls the
    /// input "not MP3", in bytes. Far more than junk a real stream starts with, and small
    /// enough that an HTML error page fails at once instead of being buffered.
    public static let junkLimit = 64 * 1024

    /// The stream's current output format; nil until the first frame header has been read.
    public private(set) var format: MP3Format?
    /// Whole MPEG frames decoded so far.
    public private(set) var framesDecoded = 0
    /// Bytes given to ``feed(_:)`` so far.
    public private(set) var bytesFed = 0

    private let handle: OpaquePointer
    /// Where `mpg123_read` writes: whole 16-bit samples, so no reinterpretation of bytes.
    private var output: [Int16]
    private var state = State.decoding
    /// The first bytes of the stream, kept until an ID3v2 header (10 bytes) can be read.
    private var head: [UInt8] = []
    private var tagBytes = 0

    private enum State { case decoding, ended }

    /// Creates a decoder: `mpg123_new`, quiet (no stderr chatter), output limited to signed
    /// 16-bit mono or stereo at any rate (`mpg123_format_none` + `mpg123_format2`), and the
    /// feed reader opened (`mpg123_open_feed`).
    public init() throws(MP3Error) {
        _ = libraryInitialised
        var error: Int32 = 0
        guard let handle = mpg123_new(nil, &error) else {
            throw .library(operation: "mpg123_new", code: error, message: MP3Error.message(for: error))
        }
        self.handle = handle
        output = [Int16](repeating: 0, count: max(mpg123_outblock(handle), 16 * 1024) / 2)
        try check(mpg123_param2(handle, Int32(MPG123_ADD_FLAGS.rawValue), Int(MPG123_QUIET.rawValue), 0), "MPG123_ADD_FLAGS")
        // Pinned at libmpg123's default: after this many bytes without a frame header in the
        // middle of a stream, decoding fails (MPG123_RESYNC_FAIL) instead of scanning on.
        try check(mpg123_param2(handle, Int32(MPG123_RESYNC_LIMIT.rawValue), 1024, 0), "MPG123_RESYNC_LIMIT")
        try check(mpg123_format_none(handle), "mpg123_format_none")
        let channels = Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue)
        // Rate 0 means every rate libmpg123 supports.
        try check(mpg123_format2(handle, 0, channels, Int32(MPG123_ENC_SIGNED_16.rawValue)), "mpg123_format2")
        try check(mpg123_open_feed(handle), "mpg123_open_feed")
    }

    deinit { mpg123_delete(handle) }

    /// Feeds the next bytes of the stream (`mpg123_feed`) and decodes every frame that is now
    /// complete (`mpg123_read` until `MPG123_NEED_MORE`).
    /// - Returns: the PCM decoded so far, usually one chunk; empty while a frame is still
    ///   incomplete; a new chunk whenever the format changes mid-stream.
    /// - Throws: ``MP3Error/notMP3(bytesFed:)`` once ``junkLimit`` bytes (after any ID3v2
    ///   tag) held no frame, ``MP3Error/corrupt(code:message:framesDecoded:)`` when
    ///   libmpg123 gives up. The decoder is finished after a throw.
    public func feed(_ bytes: some Collection<UInt8>) throws(MP3Error) -> [MP3Chunk] {
        guard state == .decoding else { throw .finished }
        guard !bytes.isEmpty else { return [] }
        bytesFed += bytes.count
        noteTag(bytes)
        let result = bytes.withContiguousStorageIfAvailable { input in
            mpg123_feed(handle, input.baseAddress, input.count)
        } ?? Array(bytes).withUnsafeBufferPointer { input in
            mpg123_feed(handle, input.baseAddress, input.count)
        }
        if result != MPG123_OK.rawValue { fail() ; throw .library(operation: "mpg123_feed", code: result, message: MP3Error.message(for: result)) }
        let chunks = try drain()
        if framesDecoded == 0, bytesFed > tagBytes + Self.junkLimit {
            fail()
            throw .notMP3(bytesFed: bytesFed)
        }
        return chunks
    }

    /// Ends the stream: decodes anything still buffered and checks the stream was whole.
    /// - Returns: PCM decoded from what was still buffered (normally nothing: frames decode
    ///   as soon as they are complete).
    /// - Throws: ``MP3Error/notMP3(bytesFed:)`` when no frame ever decoded,
    ///   ``MP3Error/truncated(bytesLeftOver:framesDecoded:)`` when input is left that is not
    ///   a whole frame (`MPG123_BUFFERFILL`).
    public func finish() throws(MP3Error) -> [MP3Chunk] {
        guard state == .decoding else { throw .finished }
        let chunks = try drain()
        state = .ended
        guard framesDecoded > 0 else { throw .notMP3(bytesFed: bytesFed) }
        var left = 0
        var unused = 0.0
        _ = mpg123_getstate2(handle, Int32(MPG123_BUFFERFILL.rawValue), &left, &unused)
        guard left == 0 else { throw .truncated(bytesLeftOver: left, framesDecoded: framesDecoded) }
        return chunks
    }

    /// Decodes until libmpg123 needs more input. Every call either returns bytes, reports a
    /// new format, asks for more or fails; a bound on empty answers in a row guards against a
    /// library that would do none of those.
    private func drain() throws(MP3Error) -> [MP3Chunk] {
        var chunks: [MP3Chunk] = []
        var idle = 0
        while true {
            var done = 0
            let result = output.withUnsafeMutableBytes { out in
                mpg123_read(handle, out.baseAddress, out.count, &done)
            }
            switch result {
            case MPG123_NEW_FORMAT.rawValue:
                try readFormat()
            case MPG123_OK.rawValue, MPG123_NEED_MORE.rawValue, MPG123_DONE.rawValue:
                break
            default:
                let code = mpg123_errcode(handle)
                let message = String(cString: mpg123_strerror(handle))
                fail()
                throw .corrupt(code: code, message: message, framesDecoded: framesDecoded)
            }
            framesDecoded = max(framesDecoded, Int(mpg123_tellframe(handle)))
            if done > 0, let format {
                idle = 0
                append(done, format: format, to: &chunks)
            } else {
                idle += 1
            }
            if result == MPG123_NEED_MORE.rawValue || result == MPG123_DONE.rawValue { return chunks }
            if idle > 64 {
                fail()
                throw .corrupt(code: result, message: "libmpg123 made no progress", framesDecoded: framesDecoded)
            }
        }
    }

    /// Copies `byteCount` decoded bytes into the last chunk, or a new one if the format changed.
    private func append(_ byteCount: Int, format: MP3Format, to chunks: inout [MP3Chunk]) {
        let samples = output[..<(byteCount / 2)]
        if chunks.last?.format == format {
            chunks[chunks.count - 1].samples += samples
        } else {
            chunks.append(MP3Chunk(format: format, samples: Array(samples)))
        }
    }

    /// Reads the new output format with `mpg123_getformat` after `MPG123_NEW_FORMAT`.
    private func readFormat() throws(MP3Error) {
        var rate = 0
        var channels: Int32 = 0
        var encoding: Int32 = 0
        try check(mpg123_getformat(handle, &rate, &channels, &encoding), "mpg123_getformat")
        format = MP3Format(sampleRate: rate, channels: Int(channels))
    }

    /// Remembers the size of a leading ID3v2 tag (10-byte header, 28-bit syncsafe size) so
    /// cover art is not mistaken for junk.
    private func noteTag(_ bytes: some Collection<UInt8>) {
        guard head.count < 10 else { return }
        head += bytes.prefix(10 - head.count)
        guard head.count == 10, head[0] == 0x49, head[1] == 0x44, head[2] == 0x33 else { return }
        let size = head[6...9].reduce(0) { ($0 << 7) | Int($1 & 0x7F) }
        tagBytes = 10 + size + (head[5] & 0x10 != 0 ? 10 : 0)
    }

    private func fail() { state = .ended }

    private func check(_ result: Int32, _ operation: String) throws(MP3Error) {
        guard result == MPG123_OK.rawValue else {
            let code = mpg123_errcode(handle)
            throw .library(operation: operation, code: code, message: String(cString: mpg123_strerror(handle)))
        }
    }
}
