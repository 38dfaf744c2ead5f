import NIOCore
import NIOHTTP1

extension StreamHandler {
    /// `GET /media/...`: an AudioPlayer stream or playlist (see `MediaLibrary`). Media needs
    /// no token: real stream URLs carry their own authorization, not the AVS bearer token.
    func serveMedia(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let host = head.headers.first(name: "host") ?? "127.0.0.1"
        switch MediaLibrary.answer(path: path, query: MediaLibrary.query(of: head.uri), base: "https://\(host)") {
        case .whole(let answer):
            respond(context: context, answer)
        case .paced(let contentType, let body, let chunkBytes, let pause, let stallAfter):
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: contentType)
            if stallAfter == nil { headers.add(name: "content-length", value: String(body.count)) }
            writeHead(context: context, status: 200, headers: headers, note: stallAfter.map { "stalls after \($0) bytes" } ?? "")
            sim.mediaServed()
            let limit = stallAfter.map { min($0, body.count) } ?? body.count
            pace(context: context, body: body[..<limit], chunkBytes: chunkBytes, pause: pause, ends: stallAfter == nil)
        }
    }

    /// Writes `body` a chunk at a time; ends the response only when `ends` (a stall keeps it
    /// open until the client gives up).
    private func pace(context: ChannelHandlerContext, body: ArraySlice<UInt8>, chunkBytes: Int, pause: Int, ends: Bool) {
        guard context.channel.isActive else { return }
        guard !body.isEmpty else {
            if ends { writeEnd(context: context) }
            return
        }
        writeBody(context: context, Array(body.prefix(chunkBytes)))
        let rest = body.dropFirst(chunkBytes)
        after(context: context, milliseconds: rest.isEmpty ? 0 : pause) {
            self.pace(context: context, body: rest, chunkBytes: chunkBytes, pause: pause, ends: ends)
        }
    }
}
