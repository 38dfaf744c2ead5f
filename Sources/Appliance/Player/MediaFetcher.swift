import AVS
import Curl

/// Fetches AudioPlayer streams over HTTPS with libcurl (its own `CurlHTTPClient`, so music
/// never queues behind AVS requests on the AVS connection), follows playlists to the stream
/// they name, and hands the bytes on as they arrive. TLS is always verified: against
/// `avs.ca_file` when set, else the system store.
final class MediaFetcher: Sendable {
    /// A stream's bytes as they arrive, then how it ended.
    enum Chunk: Sendable {
        case bytes([UInt8])
        /// The whole stream arrived.
        case complete
        case failed(MediaError)
    }

    private let client: CurlHTTPClient
    /// No byte for this long: the stream stalled (`CURLOPT_XFERINFOFUNCTION` check).
    let stallTimeout: Duration
    /// Playlists that name playlists are followed this deep.
    static let maximumPlaylistDepth = 3

    init(caFile: String?, stallTimeout: Duration, driver: CurlDriver = .system) throws(CurlError) {
        client = try CurlHTTPClient(configuration: .init(caFile: caFile, maxConcurrentStreams: 4, connectTimeout: .seconds(10)),
                                    driver: driver)
        self.stallTimeout = stallTimeout
    }

    /// Stops the curl thread; transfers still open end as cancelled.
    func shutdown() {
        client.shutdown()
    }

    /// The stream at `url` (through any playlists). Ending the iteration early (the task is
    /// cancelled, or the consumer stops) cancels the transfer.
    func stream(_ url: String) -> AsyncStream<Chunk> {
        let (stream, continuation) = AsyncStream.makeStream(of: Chunk.self, bufferingPolicy: .unbounded)
        let task = Task { [self] in
            await self.fetch(url, depth: 0, into: continuation)
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One transfer: audio goes straight through; a playlist is read whole and its first
    /// stream fetched in turn.
    private func fetch(_ url: String, depth: Int, into output: AsyncStream<Chunk>.Continuation) async {
        let (events, input) = AsyncStream.makeStream(of: HTTPResponseEvent.self, bufferingPolicy: .unbounded)
        let request = HTTPRequest(method: .get, url: url, headers: ["accept: audio/mpeg, audio/*;q=0.9, */*;q=0.5", "icy-metadata: 0"],
                                  noProgressTimeout: stallTimeout)
        let id = client.start(request) { input.yield($0) }
        let client = self.client
        await withTaskCancellationHandler {
            var playlist: (kind: Playlist.Kind, text: [UInt8])?
            for await event in events {
                switch event {
                case .head(let head):
                    if let problem = Self.problem(with: head) {
                        client.cancel(id)
                        output.yield(.failed(problem))
                        return
                    }
                    if let kind = Playlist.kind(contentType: head.contentType, url: url) { playlist = (kind, []) }
                case .body(let bytes):
                    if var list = playlist {
                        list.text += bytes
                        playlist = list
                        if list.text.count > Playlist.maximumBytes {
                            client.cancel(id)
                            output.yield(.failed(MediaError(.invalidRequest, "playlist \(url) is larger than \(Playlist.maximumBytes) bytes")))
                            return
                        }
                    } else {
                        output.yield(.bytes(bytes))
                    }
                case .end(.success):
                    guard let list = playlist else {
                        output.yield(.complete)
                        return
                    }
                    guard depth < Self.maximumPlaylistDepth,
                          let next = Playlist.firstStream(in: String(decoding: list.text, as: UTF8.self), kind: list.kind)
                    else {
                        output.yield(.failed(MediaError(.invalidRequest, "playlist \(url) names no http(s) stream (or nests too deep)")))
                        return
                    }
                    await fetch(next, depth: depth + 1, into: output)
                    return
                case .end(.failure(let error)):
                    output.yield(.failed(Self.mediaError(error, url: url)))
                    return
                }
            }
        } onCancel: {
            client.cancel(id)
            input.finish()
        }
    }

    /// A head that cannot start a stream: an HTTP error, or a web page instead of audio.
    static func problem(with head: HTTPResponseHead) -> MediaError? {
        switch head.status {
        case 200..<300:
            let type = (head.contentType ?? "").lowercased()
            if type.hasPrefix("text/html") || type.hasPrefix("application/json") {
                return MediaError(.invalidRequest, "the server sent \(type), not audio")
            }
            return nil
        case 500..<600:
            return MediaError(.internalServerError, "the media server answered HTTP \(head.status)")
        default:
            return MediaError(.invalidRequest, "the media server answered HTTP \(head.status)")
        }
    }

    static func mediaError(_ error: CurlError, url: String) -> MediaError {
        switch error.code {
        case 28:  // CURLE_OPERATION_TIMEDOUT: the no-progress check or the connect timeout.
            MediaError(.serviceUnavailable, "the stream stalled: \(error.message)")
        case 6, 7:  // CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT
            MediaError(.serviceUnavailable, "cannot reach the media server: \(error.message)")
        case 60:  // CURLE_PEER_FAILED_VERIFICATION
            MediaError(.invalidRequest, "the media server's certificate is not trusted (avs.ca_file or the system store): \(error.message)")
        default:
            MediaError(.serviceUnavailable, "fetching the stream failed: \(error.message)")
        }
    }
}
