import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Options every `hark` command takes. Leaf commands include them with `@OptionGroup`.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Lowest level logged to stderr: trace, debug, info, notice, warning, error, critical.",
            discussion: "Default: $HARK_LOG_LEVEL, else info.",
            valueName: "level"))
    var logLevel: String?

    /// The environment variable that sets the level when `--log-level` is absent.
    static let environmentVariable = "HARK_LOG_LEVEL"

    func validate() throws {
        _ = try resolvedLevel()
    }

    /// `--log-level`, else `$HARK_LOG_LEVEL`, else `info`.
    func resolvedLevel() throws -> Logger.Level {
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw ValidationError(
                    "unknown log level '\(logLevel)': use one of \(Self.levelNames)")
            }
            return level
        }
        if let raw = getenv(Self.environmentVariable).map({ String(cString: $0) }), !raw.isEmpty {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ValidationError(
                    "\(Self.environmentVariable)='\(raw)' is not a log level: use one of \(Self.levelNames)")
            }
            return level
        }
        return .info
    }

    /// Sends every `Logger` in the process to a `JournalLogHandler` at the resolved level and
    /// returns the command's own logger.
    func bootstrapLogging(label: String = "hark") throws -> Logger {
        let level = try resolvedLevel()
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
        return Logger(label: label)
    }

    private static var levelNames: String {
        Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
