import AVS
import Curl
import Testing
@testable import Appliance

@Suite("Player: playlists and stream answers")
struct PlaylistTests {
    @Test(arguments: [
        (String?.some("audio/x-mpegurl"), "https://r.example/live", Playlist.Kind?.some(.m3u)),
        ("application/vnd.apple.mpegurl; charset=utf-8", "https://r.example/x", .m3u),
        ("audio/x-scpls", "https://r.example/x", .pls),
        ("text/plain", "https://r.example/radio.PLS?session=1", .pls),
        (nil, "https://r.example/list.m3u8", .m3u),
        ("audio/mpeg", "https://r.example/list.m3u", nil),
        ("application/octet-stream", "https://r.example/song.mp3", nil),
    ])
    func playlistsAreRecognisedByTypeThenExtension(type: String?, url: String, kind: Playlist.Kind?) {
        #expect(Playlist.kind(contentType: type, url: url) == kind)
    }

    @Test func m3uGivesTheFirstHTTPEntry() {
        let text = "\u{FEFF}#EXTM3U\r\n#EXTINF:-1,Station\r\nrelative/path.mp3\r\n  https://a.example/stream  \r\nhttps://b.example/other\r\n"
        #expect(Playlist.firstStream(in: text, kind: .m3u) == "https://a.example/stream")
    }

    @Test func plsGivesTheFirstFileEntry() {
        let text = "[playlist]\nNumberOfEntries=2\nTitle1=x\nfile1=http://a.example:8000/live\nFile2=https://b.example/\n"
        #expect(Playlist.firstStream(in: text, kind: .pls) == "http://a.example:8000/live")
    }

    @Test func playlistsWithoutStreamsGiveNothing() {
        #expect(Playlist.firstStream(in: "#EXTM3U\n# only comments\nfile.mp3\n", kind: .m3u) == nil)
        #expect(Playlist.firstStream(in: "[playlist]\nNumberOfEntries=0\n", kind: .pls) == nil)
        #expect(Playlist.firstStream(in: "", kind: .m3u) == nil)
    }

    @Test func answersThatCannotStartAStream() {
        #expect(MediaFetcher.problem(with: HTTPResponseHead(status: 200, contentType: "audio/mpeg")) == nil)
        #expect(MediaFetcher.problem(with: HTTPResponseHead(status: 200, contentType: nil)) == nil)
        #expect(MediaFetcher.problem(with: HTTPResponseHead(status: 200, contentType: "text/html; charset=utf-8"))?.type == .invalidRequest)
        #expect(MediaFetcher.problem(with: HTTPResponseHead(status: 404))?.type == .invalidRequest)
        #expect(MediaFetcher.problem(with: HTTPResponseHead(status: 503))?.type == .internalServerError)
        #expect(MediaFetcher.mediaError(CurlError(code: 28), url: "u").type == .serviceUnavailable)
        #expect(MediaFetcher.mediaError(CurlError(code: 60), url: "u").message.contains("avs.ca_file"))
    }
}
