/// What a `multipart/form-data` event body yields as it streams in.
public enum FormDataEvent: Sendable, Equatable {
    case partBegan(FormPartHeaders)
    /// Part content, handed on as it arrives (the Recognize audio streams through here).
    case partData([UInt8])
    case partEnded
    /// The close delimiter `--B--` was read.
    case closed
}

/// The headers of one form-data part, names lower-cased.
public struct FormPartHeaders: Sendable, Equatable {
    public var fields: [String: String] = [:]

    /// `name` from `Content-Disposition: form-data; name="..."`; nil when not form-data.
    public var name: String? {
        guard let disposition = fields["content-disposition"] else { return nil }
        let pieces = disposition.split(separator: ";").map { $0.trimmingSpaces }
        guard pieces.first?.lowercased() == "form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.count == 2, pair[0].lowercased() == "name" else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    /// The media type of `Content-Type` without parameters, lower-cased.
    public var mediaType: String? {
        fields["content-type"].map { String($0.split(separator: ";").first ?? "").trimmingSpaces.lowercased() }
    }
}

/// Why an event body is not acceptable multipart/form-data.
public struct FormDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A strict streaming parser for the event body AVS expects (HTTP2MimeRequestEncoder's
/// output): an optional CRLF, `--B`, parts with `Content-Disposition` headers, and a
/// closing `--B--`. Anything else is an error that AVS would answer with 400.
public struct FormDataParser: Sendable {
    private enum State: Sendable {
        case preamble, afterDelimiter, headers, body, closed
    }

    private let dashBoundary: [UInt8]
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var headers = FormPartHeaders()
    private var headerBytes = 0
    private static let maxHeaderBytes = 8 * 1024

    public init(boundary: String) {
        dashBoundary = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// True once the close delimiter was read.
    public var isClosed: Bool { if case .closed = state { true } else { false } }

    public mutating func feed(_ bytes: some Collection<UInt8>) throws(FormDataError) -> [FormDataEvent] {
        buffer.append(contentsOf: bytes)
        var events: [FormDataEvent] = []
        var progress = true
        while progress {
            progress = try step(&events)
        }
        return events
    }

    /// The body ended: it must have ended with the close delimiter.
    public func finish() throws(FormDataError) {
        guard isClosed else {
            throw FormDataError(buffer.isEmpty && isPreamble ? "empty body" : "body ended before the close delimiter --boundary--")
        }
    }

    private var isPreamble: Bool { if case .preamble = state { true } else { false } }

    /// One parsing step; false when more bytes are needed.
    private mutating func step(_ events: inout [FormDataEvent]) throws(FormDataError) -> Bool {
        switch state {
        case .preamble:
            for opening in [delimiter, dashBoundary] where buffer.starts(with: opening) {
                buffer.removeFirst(opening.count)
                state = .afterDelimiter
                return true
            }
            if delimiter.starts(with: buffer) || dashBoundary.starts(with: buffer) { return false }
            throw FormDataError("body does not start with the boundary (optionally after one CRLF)")
        case .afterDelimiter:
            guard buffer.count >= 2 else { return false }
            if buffer[0] == UInt8(ascii: "-") && buffer[1] == UInt8(ascii: "-") {
                buffer.removeFirst(2)
                state = .closed
                events.append(.closed)
                return true
            }
            guard buffer[0] == 13 && buffer[1] == 10 else {
                throw FormDataError("boundary not followed by CRLF or --")
            }
            buffer.removeFirst(2)
            headers = FormPartHeaders()
            headerBytes = 0
            state = .headers
            return true
        case .headers:
            guard let end = crlf(in: buffer) else {
                if headerBytes + buffer.count > Self.maxHeaderBytes { throw FormDataError("part headers too large") }
                return false
            }
            let line = Array(buffer[..<end])
            buffer.removeFirst(end + 2)
            headerBytes += line.count + 2
            if headerBytes > Self.maxHeaderBytes { throw FormDataError("part headers too large") }
            if line.isEmpty {
                guard !headers.fields.isEmpty else { throw FormDataError("part without headers") }
                state = .body
                events.append(.partBegan(headers))
                return true
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw FormDataError("malformed part header line: \(String(decoding: line.prefix(100), as: UTF8.self))")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            guard !name.contains(" ") else { throw FormDataError("malformed part header name '\(name)'") }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
            guard headers.fields[name] == nil else { throw FormDataError("part header '\(name)' repeated") }
            headers.fields[name] = value
            return true
        case .body:
            if let found = find(delimiter, in: buffer) {
                if found > 0 { events.append(.partData(Array(buffer[..<found]))) }
                buffer.removeFirst(found + delimiter.count)
                events.append(.partEnded)
                state = .afterDelimiter
                return true
            }
            // Keep back only what could still be the start of a delimiter.
            let keep = min(buffer.count, delimiter.count - 1)
            let safe = buffer.count - keep
            if safe > 0 {
                events.append(.partData(Array(buffer[..<safe])))
                buffer.removeFirst(safe)
            }
            return false
        case .closed:
            // RFC 2046 allows an epilogue; HTTP2MimeRequestEncoder sends only CRLF.
            buffer.removeAll()
            return false
        }
    }

    private func crlf(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 0..<(bytes.count - 1) where bytes[index] == 13 && bytes[index + 1] == 10 {
            return index
        }
        return nil
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Media type parameters: `boundary` from `multipart/form-data; boundary="B"; x=y`.
public func contentTypeParameter(_ name: String, in contentType: String) -> String? {
    for piece in contentType.split(separator: ";").dropFirst() {
        let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
        guard pair.count == 2, pair[0].lowercased() == name else { continue }
        var value = pair[1]
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        return value.isEmpty ? nil : value
    }
    return nil
}
