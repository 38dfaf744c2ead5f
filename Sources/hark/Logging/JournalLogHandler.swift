#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// A `LogHandler` that writes one line per message to standard error, in the form
/// systemd-journald reads from a service's stderr.
///
/// When stderr is not a terminal (a systemd unit, a pipe, a container log), each line starts
/// with a syslog priority prefix such as `<6>`, which journald strips and stores as the
/// message's priority (`SyslogLevelPrefix=yes`, the default); there is no timestamp because the
/// journal adds its own, and no colour. On a terminal the line starts with the level word
/// instead, so a person reads `warning: ...`.
///
/// Every line is written with a single `write(2)` so lines from several threads (the capture
/// and playback threads log too) never interleave inside a line.
public struct JournalLogHandler: LogHandler {
    /// How a line is framed.
    public enum Style: Sendable, Equatable {
        /// `<N>label: message key=value`, for journald and other log collectors.
        case syslogPrefix
        /// `level label: message key=value`, for a person at a terminal.
        case plain
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let style: Style
    private let sink: @Sendable (String) -> Void

    /// A handler writing to standard error, choosing the style from `isatty(2)`.
    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(
            label: label, level: level,
            style: isatty(STDERR_FILENO) == 1 ? .plain : .syslogPrefix,
            metadataProvider: metadataProvider,
            sink: JournalLogHandler.writeToStandardError)
    }

    /// A handler with an explicit style and line sink (tests collect lines this way).
    public init(
        label: String, level: Logger.Level, style: Style,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.logLevel = level
        self.style = style
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        sink(Self.format(level: event.level, label: label, message: event.message.description,
                         metadata: merged, style: style))
    }

    /// One log line, without the trailing newline.
    public static func format(
        level: Logger.Level, label: String, message: String,
        metadata: Logger.Metadata, style: Style
    ) -> String {
        var line: String
        switch style {
        case .syslogPrefix: line = "<\(syslogPriority(level))>"
        case .plain: line = "\(level.rawValue) "
        }
        line += label.isEmpty ? "" : "\(label): "
        line += oneLine(message)
        for key in metadata.keys.sorted() {
            line += " \(key)=\(oneLine(metadata[key]!.description))"
        }
        return line
    }

    /// The syslog priority journald gives the line (`sd-daemon.h`: `SD_ERR` is 3 ... `SD_DEBUG` is 7).
    /// swift-log's `trace` has no syslog counterpart and is journald's debug too; `critical` is
    /// syslog's `crit` (2), which journald shows in bold red.
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journald splits a message at newlines, so embedded newlines are escaped to keep
    /// one record per message.
    private static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `write(2)` of the whole line plus newline in one call: atomic for lines up to
    /// `PIPE_BUF` on a pipe, and never interleaved with other threads' lines in practice.
    @Sendable static func writeToStandardError(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // stderr closed: nowhere left to report it
            }
            offset += written
        }
    }
}
