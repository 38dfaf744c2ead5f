import AVS
import Curl

/// Turns one response's `HTTPResponseEvent`s into what the transport acts on: multipart parts
/// as they complete (200 with `multipart/related`), or the JSON error body of a non-2xx answer
/// (kept to 4 KB). Runs on the curl thread.
struct ResponseDecoder: Sendable {
    /// The largest non-2xx body kept (AVS.md: error bodies are small JSON).
    static let maxErrorBody = 4096

    private(set) var head: HTTPResponseHead?
    private var reader: MultipartReader?
    private var readerFailed = false
    private(set) var errorBody: [UInt8] = []
    /// Whether a body that ends without its closing boundary is malformed. Not for the
    /// downchannel: it ends however the server drops it, and that is a reconnect, not an error.
    private let requiresClosingBoundary: Bool

    init(requiresClosingBoundary: Bool = true) {
        self.requiresClosingBoundary = requiresClosingBoundary
    }

    enum Output: Sendable {
        case head(HTTPResponseHead)
        case parts([ResponsePart])
        case malformed(MultipartError)
        case end(head: HTTPResponseHead?, Result<TransferMetrics, CurlError>)
    }

    mutating func consume(_ event: HTTPResponseEvent) -> [Output] {
        switch event {
        case .head(let head):
            self.head = head
            if head.status == 200, let contentType = head.contentType,
                let boundary = multipartBoundary(contentType: contentType)
            {
                reader = MultipartReader(boundary: boundary)
            }
            return [.head(head)]
        case .body(let bytes):
            if reader != nil, !readerFailed {
                do throws(MultipartError) {
                    let parts = try reader!.feed(bytes)
                    return parts.isEmpty ? [] : [.parts(parts)]
                } catch {
                    readerFailed = true
                    return [.malformed(error)]
                }
            }
            if let head, !(200..<300).contains(head.status), errorBody.count < Self.maxErrorBody {
                errorBody += bytes.prefix(Self.maxErrorBody - errorBody.count)
            }
            return []
        case .end(let result):
            var outputs: [Output] = []
            // A cleanly finished body must also be a complete multipart body; a transfer that
            // failed midway has already said why.
            if case .success = result, reader != nil, !readerFailed {
                do throws(MultipartError) {
                    let parts = try reader!.finish()
                    if !parts.isEmpty { outputs.append(.parts(parts)) }
                } catch {
                    if error != .truncated || requiresClosingBoundary { outputs.append(.malformed(error)) }
                }
            }
            outputs.append(.end(head: head, result))
            return outputs
        }
    }

    var errorText: String { String(decoding: errorBody, as: UTF8.self) }
}

extension RequestOutcome {
    /// What a finished transfer means to the connection state machine.
    init(head: HTTPResponseHead?, _ result: Result<TransferMetrics, CurlError>) {
        switch result {
        case .success: self = .status(head?.status ?? 0)
        case .failure(let error): self = .failed(error)
        }
    }
}

extension ConnectionStateMachine.Input {
    /// The state-machine input a downchannel transfer event means, if any: its head, or its
    /// end (cleanly, or with the `CURLE_*` code that ended it).
    static func downchannel(_ event: HTTPResponseEvent) -> Self? {
        switch event {
        case .head(let head): .downchannelResponded(status: head.status)
        case .body: nil
        case .end(.success): .downchannelEnded(nil)
        case .end(.failure(let error)): .downchannelEnded(error)
        }
    }
}
