import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `hark` executable: the appliance firmware and the tools around it.
///
/// Subcommands are groups by topic (`audio` now; `run`, `login`, `doctor`, `ctl`, `demo` join
/// here). Errors of any kind end as one line on stderr and a sysexits code (see `Sysexits`).
@main
struct Hark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark",
        abstract: "Firmware for a headless Alexa voice appliance.",
        discussion: Sysexits.helpText,
        subcommands: [RunCommand.self, LoginCommand.self, CtlCommand.self, DoctorCommand.self, ConfigCommand.self, AudioCommand.self])

    /// Parses, runs, and turns every failure into one line on stderr.
    ///
    /// ArgumentParser's own `main()` prints a usage block after a validation error; a board's
    /// journal and a script's stderr are easier to read with a single line that names the
    /// problem and what to do, so the reporting is done here.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            reportParseError(error, arguments: arguments)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            fail("\(commandPath(for: arguments)): \(error.message)", code: error.exitCode)
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            // A CleanExit (help, version) or an error type we did not anticipate.
            reportParseError(error, arguments: arguments)
        }
    }

    /// Help and version requests print as ArgumentParser renders them; any other parse or
    /// validation error becomes `hark <subcommand>: <message>; <fix>` and exit 64.
    private static func reportParseError(_ error: Error, arguments: [String]) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        let subcommand = commandPath(for: arguments)
        var message = self.message(for: error)
            .split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.hasPrefix("Usage:") && !$0.contains("--help' for more information") }
            .joined(separator: " ")
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        if !message.contains(";") && !message.contains("Please provide") {
            if message.hasSuffix(".") { message.removeLast() }
            message += "; see '\(subcommand) --help'"
        }
        fail("\(subcommand): \(message)", code: code == .validationFailure ? Sysexits.usage : code)
    }

    /// `hark audio record` for `hark audio record --seconds x out.wav`: the words of the
    /// argument list that name subcommands, so the message says which command failed.
    private static func commandPath(for arguments: [String]) -> String {
        var path = ["hark"]
        var group: [ParsableCommand.Type] = configuration.subcommands
        for word in arguments {
            guard let match = group.first(where: { $0._commandName == word }) else { break }
            path.append(word)
            group = match.configuration.subcommands
        }
        return path.joined(separator: " ")
    }

    /// Writes the failure line and exits. Off a terminal the line carries journald's error
    /// priority `<3>`, like every other line on stderr; on a terminal it is the bare message.
    static func fail(_ line: String, code: ExitCode) -> Never {
        let text = line.hasPrefix("hark") ? line : "hark: \(line)"
        let prefix = isatty(STDERR_FILENO) == 1 ? "" : "<\(JournalLogHandler.syslogPriority(.error))>"
        JournalLogHandler.writeToStandardError(prefix + text)
        exit(withError: code)
    }
}
