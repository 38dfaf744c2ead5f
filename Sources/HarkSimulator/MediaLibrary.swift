import Foundation

/// What the simulator serves under `/media/` for AudioPlayer streams: an MP3 made by
/// repeating the embedded reply (a valid MPEG stream, since each copy starts on a frame with
/// an empty bit reservoir), sent in paced chunks like an internet radio; one that stalls; M3U
/// and PLS playlists that name it; and answers that are not audio, for the failure cases.
enum MediaLibrary {
    /// How a media answer goes out.
    enum Answer: Equatable {
        /// All at once.
        case whole(SimAnswer)
        /// `chunkBytes` every `pauseMilliseconds`; with `stallAfter`, only that many bytes
        /// and then nothing, the stream held open (a server that stopped sending).
        case paced(contentType: String, body: [UInt8], chunkBytes: Int, pauseMilliseconds: Int, stallAfter: Int?)
    }

    /// Bytes per chunk of a paced stream unless `chunk=` says otherwise: ten 144-byte frames
    /// of the 48 kbit/s reply, 240 ms of audio.
    static let defaultChunkBytes = 1440
    /// Pause between chunks unless `pause_ms=` says otherwise: 100 ms, so the stream arrives
    /// about 2.4 times faster than it plays.
    static let defaultPauseMilliseconds = 100

    /// The answer to `GET path?query`; `base` is `https://host:port` as the client named it.
    static func answer(path: String, query: [String: String], base: String) -> Answer {
        let repeats = min(max(Int(query["repeat"] ?? "") ?? 2, 1), 400)
        let chunk = max(Int(query["chunk"] ?? "") ?? defaultChunkBytes, 1)
        let pause = max(Int(query["pause_ms"] ?? "") ?? defaultPauseMilliseconds, 0)
        switch path {
        case "/media/stream.mp3":
            // `repeat` copies of the reply (1.56 s each); `stall_after=N` stops after N bytes.
            return .paced(contentType: "audio/mpeg", body: mp3(repeats: repeats), chunkBytes: chunk, pauseMilliseconds: pause,
                          stallAfter: query["stall_after"].flatMap(Int.init))
        case "/media/playlist.m3u", "/media/playlist.m3u8":
            // Comments and a relative junk line first: the client must find the first stream.
            let text = "#EXTM3U\n#EXTINF:-1,Hark simulator radio\n\(base)/media/stream.mp3?repeat=\(repeats)\n\(base)/media/missing.mp3\n"
            return .whole(SimAnswer(status: 200, contentType: "audio/x-mpegurl", body: Array(text.utf8)))
        case "/media/playlist.pls":
            let text = "[playlist]\nNumberOfEntries=1\nFile1=\(base)/media/stream.mp3?repeat=\(repeats)\nTitle1=Hark simulator radio\nLength1=-1\nVersion=2\n"
            return .whole(SimAnswer(status: 200, contentType: "audio/x-scpls", body: Array(text.utf8)))
        case "/media/page.html":
            // A captive portal or an error page served with 200: not audio.
            let text = "<!DOCTYPE html><html><body>" + String(repeating: "<p>This is not an MP3 stream.</p>", count: 2500) + "</body></html>"
            return .whole(SimAnswer(status: 200, contentType: "text/html", body: Array(text.utf8)))
        default:
            return .whole(.json(404, ["error": "no such media"]))
        }
    }

    /// The embedded reply `repeats` times over.
    static func mp3(repeats: Int) -> [UInt8] {
        Array([[UInt8]](repeating: DefaultReply.mp3, count: repeats).joined())
    }

    /// `a=1&b=2` as a dictionary (no percent-decoding: the simulator's own URLs need none).
    static func query(of uri: String) -> [String: String] {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }
}
