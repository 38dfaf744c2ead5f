import ArgumentParser

/// The exit codes `hark` uses, from BSD `<sysexits.h>`, so scripts and systemd can tell a
/// mistake in the command line from a missing file or a missing sound device.
enum Sysexits {
    /// 0: done.
    static let ok = ExitCode(0)
    /// 64 `EX_USAGE`: a bad option, value or file type on the command line.
    static let usage = ExitCode(64)
    /// 65 `EX_DATAERR`: the input file is not what its name says (corrupt WAV or MP3).
    static let dataError = ExitCode(65)
    /// 66 `EX_NOINPUT`: the input file does not exist or cannot be read.
    static let noInput = ExitCode(66)
    /// 69 `EX_UNAVAILABLE`: the audio device does not exist, is busy, or cannot be opened.
    static let unavailable = ExitCode(69)
    /// 70 `EX_SOFTWARE`: an internal error (a bug; please report it).
    static let software = ExitCode(70)
    /// 73 `EX_CANTCREAT`: the output file cannot be created.
    static let cannotCreate = ExitCode(73)
    /// 74 `EX_IOERR`: reading or writing failed part-way (disk full, device lost for good).
    static let ioError = ExitCode(74)

    /// The table printed at the end of `--help`.
    static let helpText = """
        Exit codes (sysexits.h):
          0   success (a recording ended by Ctrl-C or SIGTERM is complete too)
          64  usage: bad option or value, unsupported file type
          65  data: input file is corrupt or not the format its name says
          66  no input: input file missing or unreadable
          69  unavailable: audio device unknown, busy or cannot be opened
          70  internal error
          73  cannot create the output file
          74  I/O error part-way through (disk full, device lost for good)
        """
}

/// An error the CLI reports as one line on stderr, with the exit code that says what kind of
/// problem it was. `message` names the problem and the fix.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: ExitCode

    init(_ message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    static func usage(_ message: String) -> CLIError { CLIError(message, exitCode: Sysexits.usage) }

    var description: String { message }
}
