import AVS
import Appliance
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `hark ctl`: drives and watches a running `hark run` through its control socket.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Drive or watch the running appliance through its control socket.",
        discussion: """
            Actions: tap, press, release, stop, status, events, volume N (0-100), mute on|off.
            'events' prints one JSON line per state change, dialog event or error until interrupted.
            """)

    @OptionGroup var config: ConfigOption

    @Option(name: .long, help: ArgumentHelp("The control socket (default: control.socket from the configuration).", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print the server's JSON reply as it is.")
    var json = false

    @Argument(help: "tap | press | release | stop | status | events | volume N | mute on|off")
    var action: String

    @Argument(help: "The value for volume (0-100) or mute (on/off).")
    var value: String?

    /// The JSON line for the action, or a usage error naming the fix.
    func request() throws -> String {
        switch (action, value) {
        case ("tap", nil), ("press", nil), ("release", nil), ("stop", nil), ("status", nil), ("events", nil):
            return "{\"cmd\":\"\(action)\"}"
        case ("volume", let text?):
            guard let level = Int(text), (0...100).contains(level) else {
                throw CLIError.usage("volume must be a whole number 0-100, e.g. 'hark ctl volume 40'")
            }
            return "{\"cmd\":\"volume\",\"value\":\(level)}"
        case ("mute", let text?):
            switch text.lowercased() {
            case "on", "true", "yes", "1": return "{\"cmd\":\"mute\",\"value\":true}"
            case "off", "false", "no", "0": return "{\"cmd\":\"mute\",\"value\":false}"
            default: throw CLIError.usage("mute takes on or off, e.g. 'hark ctl mute on'")
            }
        case ("volume", nil), ("mute", nil):
            throw CLIError.usage("\(action) needs a value, e.g. 'hark ctl volume 40' or 'hark ctl mute on'")
        case (_, _?) where ["tap", "press", "release", "stop", "status", "events"].contains(action):
            throw CLIError.usage("\(action) takes no value")
        default:
            throw CLIError.usage("unknown action '\(action)'; use tap, press, release, stop, status, events, volume N or mute on|off")
        }
    }

    func run() throws {
        let line = try request()
        let path = try socketPath()
        do {
            try exchange(line, path: path)
        } catch {
            throw Self.explain(error, path: path)
        }
    }

    /// Sends the request and prints the answer (and, for `events`, the stream).
    private func exchange(_ line: String, path: String) throws(ControlExchangeError) {
        let client: ControlClient
        let reply: String?
        var sendFailure: ControlClient.Failure?
        do {
            client = try ControlClient(path: path, timeout: action == "events" ? nil : .seconds(5))
            do {
                try client.send(line)
            } catch {
                // A refusing server answers and closes before reading: its answer says why.
                sendFailure = error
            }
            reply = try client.readLine()
        } catch {
            throw .socket(sendFailure ?? error)
        }
        guard let reply else { throw sendFailure.map(ControlExchangeError.socket) ?? .closed }
        let object = (try? JSONValue(parsing: Array(reply.utf8)))?.objectValue ?? [:]
        guard object["ok"]?.boolValue == true else { throw .refused(object["error"]?.stringValue ?? reply) }
        if json || action == "events" {
            print(reply)
        } else if action == "status" {
            print(Self.describe(object))
        }
        guard action == "events" else { return }
        fflushStandardOutput()
        do {
            while let event = try client.readLine() {
                print(event)
                fflushStandardOutput()
            }
        } catch {
            throw .socket(error)
        }
    }

    /// `--socket`, else `control.socket` from the configuration.
    private func socketPath() throws -> String {
        if let socket { return socket }
        return try config.load().control.socket
    }

    static func describe(_ status: [String: JSONValue]) -> String {
        var words = [status["status"]?.stringValue ?? "unknown"]
        words.append(status["linked"]?.boolValue == false ? "not linked (run 'hark login')" : "linked")
        words.append(status["connected"]?.boolValue == true ? "connected" : "not connected")
        if let volume = status["volume"]?.intValue { words.append("volume \(volume)" + (status["muted"]?.boolValue == true ? " (muted)" : "")) }
        if let error = status["error"]?.stringValue { words.append("error: \(error)") }
        return words.joined(separator: ", ")
    }

    static func explain(_ error: ControlExchangeError, path: String) -> CLIError {
        switch error {
        case .closed:
            return CLIError("hark closed the control connection without answering; check 'journalctl -u hark'", exitCode: Sysexits.temporaryFailure)
        case .refused(let text) where text.hasPrefix("permission denied"):
            return CLIError("hark refused this user: \(text)", exitCode: Sysexits.noPermission)
        case .refused(let text):
            return CLIError("hark refused the command: \(text)", exitCode: Sysexits.dataError)
        case .socket(let failure):
            switch failure.errno {
            case ENOENT, ECONNREFUSED, ENOTDIR:
                return CLIError("cannot reach \(path) (\(failure.reason)): is hark running? check control.socket in the configuration, or 'systemctl status hark'",
                                exitCode: Sysexits.unavailable)
            case EACCES, EPERM:
                return CLIError("not allowed to use \(path) (\(failure.reason)): add your user to the socket's group (e.g. 'sudo usermod -aG hark $USER', then log in again) or use sudo",
                                exitCode: Sysexits.noPermission)
            case ETIMEDOUT:
                return CLIError("hark did not answer on \(path) within 5 s; check 'systemctl status hark'", exitCode: Sysexits.temporaryFailure)
            default:
                return CLIError("cannot \(failure.operation) on \(path): \(failure.reason)", exitCode: Sysexits.ioError)
            }
        }
    }
}

/// How a `hark ctl` exchange failed.
enum ControlExchangeError: Error {
    case socket(ControlClient.Failure)
    case closed
    case refused(String)
}
