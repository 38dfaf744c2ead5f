/// Internet-radio playlists that name a stream instead of being one: M3U / M3U8 (one URL a
/// line, `#` comments) and PLS (an INI file with `FileN=` entries). AVS hands these out as
/// Play URLs for some stations; the player plays the first entry that is an http(s) URL.
enum Playlist {
    enum Kind: Equatable {
        case m3u, pls
    }

    /// Bytes of playlist text read at most; real ones are a few hundred.
    static let maximumBytes = 64 * 1024

    /// Whether a response is a playlist, by its content type first, else by the URL's
    /// extension (servers often say `text/plain` or `application/octet-stream`).
    static func kind(contentType: String?, url: String) -> Kind? {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: " ").lowercased() } ?? ""
        switch type {
        case "audio/x-mpegurl", "audio/mpegurl", "application/x-mpegurl", "application/vnd.apple.mpegurl": return .m3u
        case "audio/x-scpls", "application/pls+xml": return .pls
        case "audio/mpeg", "audio/mp3", "audio/mpeg3": return nil
        default: break
        }
        let path = (url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url).lowercased()
        if path.hasSuffix(".m3u") || path.hasSuffix(".m3u8") { return .m3u }
        if path.hasSuffix(".pls") { return .pls }
        return nil
    }

    /// The first http(s) entry of the playlist, or nil when it names none.
    static func firstStream(in text: String, kind: Kind) -> String? {
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: " \t\u{FEFF}")
            let candidate: Substring
            switch kind {
            case .m3u:
                if line.hasPrefix("#") { continue }
                candidate = line[...]
            case .pls:
                // `File1=https://...`; keys are case-insensitive.
                guard line.lowercased().hasPrefix("file"), let equals = line.firstIndex(of: "=") else { continue }
                candidate = line[line.index(after: equals)...]
            }
            let url = candidate.trimmingCharacters(in: " \t")
            if url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://") { return url }
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set` (FoundationEssentials has
    /// no `trimmingCharacters(in:)` for a `Character` set).
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
