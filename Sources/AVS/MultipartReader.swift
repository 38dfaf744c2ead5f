/// Streaming decoder for AVS `multipart/related` response and downchannel bodies
/// (the SDK's HTTP2MimeResponseDecoder), tolerant of every quirk AVS is known for:
///
/// - the downchannel starts with `\r\n--B`, event responses with `--B`: one optional
///   leading CRLF is accepted, any other prefix is an error;
/// - repeated boundaries, with or without a CRLF between them, produce no empty parts;
/// - part header names are case-insensitive and come in any order;
/// - a boundary split across `feed` calls is found: only bytes that could still be the
///   start of a boundary are held back, everything else of an attachment is emitted at once.
///
/// Feed it the body as it arrives; call `finish()` when the stream ends.
public struct MultipartReader: Sendable {
    /// Limit on one part's header block, in bytes.
    public static let defaultMaxHeaderBytes = 16 * 1024
    /// Limit on one JSON part, in bytes (directives are a few kilobytes).
    public static let defaultMaxDirectiveBytes = 1024 * 1024

    private enum State: Sendable {
        /// Before the first boundary.
        case preamble
        /// Just after a boundary: `--` closes the body, CRLF starts a part.
        case afterDelimiter
        case headers(PartHeaders)
        case body(PartKind)
        /// After `--B--`: the epilogue is ignored.
        case closed
        case failed(MultipartError)
    }

    private let dashBoundary: [UInt8]
    /// CRLF + dash-boundary: what ends a part's body.
    private let delimiter: [UInt8]
    private let maxHeaderBytes: Int
    private let maxDirectiveBytes: Int

    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var position = 0
    private var directiveBytes: [UInt8] = []
    private var receivedAnything = false

    public init(
        boundary: String,
        maxHeaderBytes: Int = MultipartReader.defaultMaxHeaderBytes,
        maxDirectiveBytes: Int = MultipartReader.defaultMaxDirectiveBytes
    ) {
        dashBoundary = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.maxHeaderBytes = maxHeaderBytes
        self.maxDirectiveBytes = maxDirectiveBytes
    }

    /// Decodes what `bytes` completes.
    ///
    /// When an error is found after some parts were decoded in the same call, those parts
    /// are returned and the error is thrown by the next call (`feed` or `finish`), so no
    /// directive that arrived intact is lost.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(MultipartError) -> [ResponsePart] {
        if case .failed(let error) = state { throw error }
        if !bytes.isEmpty { receivedAnything = true }
        if case .closed = state { return [] }
        buffer.append(contentsOf: bytes)
        var parts: [ResponsePart] = []
        do {
            try decode(into: &parts)
        } catch {
            state = .failed(error)
            if parts.isEmpty { throw error }
        }
        buffer.removeFirst(position)
        position = 0
        return parts
    }

    /// Ends the body. Throws when it ended inside a part or before `--B--`; an empty body
    /// is not an error (it simply has no parts).
    public mutating func finish() throws(MultipartError) -> [ResponsePart] {
        switch state {
        case .failed(let error):
            throw error
        case .closed:
            return []
        case .preamble:
            if !receivedAnything { return [] }
            state = .failed(.missingBoundary)
            throw .missingBoundary
        case .headers(let headers) where headers.isEmpty && isCloseDelimiter(buffer[position...]):
            // `--B--` as the very last bytes, with no CRLF after it.
            state = .closed
            return []
        case .afterDelimiter, .headers, .body:
            state = .failed(.truncated)
            throw .truncated
        }
    }

    // MARK: - Decoding

    private mutating func decode(into parts: inout [ResponsePart]) throws(MultipartError) {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .closed:
                position = buffer.count
                return
            case .preamble:
                guard try readFirstBoundary() else { return }
            case .afterDelimiter:
                guard try readDelimiterEnd() else { return }
            case .headers(var headers):
                guard try readHeaderLine(&headers, into: &parts) else {
                    state = .headers(headers)
                    return
                }
            case .body(let kind):
                guard try readBody(kind, into: &parts) else { return }
            }
        }
    }

    /// `--B` or CRLF `--B` at the very start. Returns false when more bytes are needed.
    private mutating func readFirstBoundary() throws(MultipartError) -> Bool {
        let rest = buffer[position...]
        for opening in [delimiter, dashBoundary] where rest.starts(with: opening) {
            position += opening.count
            state = .afterDelimiter
            return true
        }
        if delimiter.starts(with: rest) || dashBoundary.starts(with: rest) { return false }
        throw .badPrefix
    }

    /// After a boundary: optional spaces or tabs (RFC 2046 transport padding), then `--`
    /// (end of the body) or CRLF (a part follows).
    private mutating func readDelimiterEnd() throws(MultipartError) -> Bool {
        var index = position
        while index < buffer.count, buffer[index] == .space || buffer[index] == .tab { index += 1 }
        guard index + 2 <= buffer.count else {
            if index - position > maxHeaderBytes { throw .headersTooLarge(limit: maxHeaderBytes) }
            return false
        }
        if buffer[index] == .dash && buffer[index + 1] == .dash && index == position {
            state = .closed
        } else if buffer[index] == .cr && buffer[index + 1] == .lf {
            state = .headers(PartHeaders())
        } else {
            throw .malformedDelimiter
        }
        position = index + 2
        return true
    }

    /// One header line. Before the first header, blank lines and repeated boundary lines are
    /// skipped: that is how AVS's duplicate boundaries look from here.
    private mutating func readHeaderLine(
        _ headers: inout PartHeaders, into parts: inout [ResponsePart]
    ) throws(MultipartError) -> Bool {
        guard let lineEnd = findCRLF(from: position) else {
            if headers.size + (buffer.count - position) > maxHeaderBytes {
                throw .headersTooLarge(limit: maxHeaderBytes)
            }
            return false
        }
        let line = buffer[position..<lineEnd]
        position = lineEnd + 2
        headers.size += line.count + 2
        if headers.size > maxHeaderBytes { throw .headersTooLarge(limit: maxHeaderBytes) }
        if headers.isEmpty {
            if line.isEmpty || trimmingTrailingSpace(line).elementsEqual(dashBoundary) {
                state = .headers(headers)
                return true
            }
            if isCloseDelimiter(line) {
                state = .closed
                return true
            }
        } else if line.isEmpty {
            startBody(headers.kind, into: &parts)
            return true
        }
        guard headers.add(line: line) else {
            throw .malformedHeader(String(decoding: line.prefix(200), as: UTF8.self))
        }
        state = .headers(headers)
        return true
    }

    private mutating func startBody(_ kind: PartKind, into parts: inout [ResponsePart]) {
        if case .attachment(let id) = kind { parts.append(.attachmentBegan(contentID: id)) }
        directiveBytes = []
        state = .body(kind)
    }

    /// Part content up to the next delimiter. Returns false when more bytes are needed.
    private mutating func readBody(_ kind: PartKind, into parts: inout [ResponsePart]) throws(MultipartError) -> Bool {
        if let found = findDelimiter(from: position) {
            try take(buffer[position..<found], kind, into: &parts)
            position = found + delimiter.count
            switch kind {
            case .directive:
                // Blank JSON parts carry nothing; AVS's stray boundaries must not become parts.
                if !directiveBytes.isEmpty { parts.append(.directive(directiveBytes)) }
                directiveBytes = []
            case .attachment(let id):
                parts.append(.attachmentEnded(contentID: id))
            case .ignored:
                break
            }
            state = .afterDelimiter
            return true
        }
        let safeEnd = buffer.count - heldBackCount()
        try take(buffer[position..<safeEnd], kind, into: &parts)
        position = safeEnd
        return false
    }

    private mutating func take(_ bytes: ArraySlice<UInt8>, _ kind: PartKind, into parts: inout [ResponsePart]) throws(MultipartError) {
        guard !bytes.isEmpty else { return }
        switch kind {
        case .directive:
            if directiveBytes.count + bytes.count > maxDirectiveBytes { throw .directiveTooLarge(limit: maxDirectiveBytes) }
            directiveBytes += bytes
        case .attachment(let id):
            parts.append(.attachmentData(contentID: id, Array(bytes)))
        case .ignored:
            break
        }
    }

    // MARK: - Byte searching

    private func findCRLF(from start: Int) -> Int? {
        var index = start
        while index + 1 < buffer.count {
            if buffer[index] == .cr && buffer[index + 1] == .lf { return index }
            index += 1
        }
        return nil
    }

    private func findDelimiter(from start: Int) -> Int? {
        var index = start
        let last = buffer.count - delimiter.count
        while index <= last {
            if buffer[index] == .cr && buffer[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// How many trailing bytes of the buffer could be the start of a delimiter that the
    /// next chunk completes; they are held back, everything before them is part content.
    private func heldBackCount() -> Int {
        let available = buffer.count - position
        var length = min(delimiter.count - 1, available)
        while length > 0 {
            let start = buffer.count - length
            if buffer[start] == .cr && buffer[start...].elementsEqual(delimiter.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }

    private func isCloseDelimiter(_ bytes: ArraySlice<UInt8>) -> Bool {
        trimmingTrailingSpace(bytes).elementsEqual(dashBoundary + [.dash, .dash])
    }

    private func trimmingTrailingSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, [.space, .tab, .cr, .lf].contains(bytes[end - 1]) { end -= 1 }
        return bytes[bytes.startIndex..<end]
    }
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let dash = UInt8(ascii: "-")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
}
