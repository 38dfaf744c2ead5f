import Appliance
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `hark config`: the configuration file and its environment overrides.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration.",
        subcommands: [ConfigCheckCommand.self])
}

/// `hark config check`: validates and prints the effective configuration, secrets masked.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and print it as Hark sees it (secrets masked).",
        discussion: "Every key can be overridden by HARK_<SECTION>_<KEY>, e.g. HARK_AVS_ENDPOINT.")

    @OptionGroup var config: ConfigOption

    func run() async throws {
        let settings = try config.load()
        print("# \(config.path), with HARK_* overrides: valid")
        print(SettingsLoader.describe(settings))
    }
}

/// `--config PATH`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file.", discussion: "Default: \(SettingsLoader.defaultPath).", valueName: "path"))
    var config: String = SettingsLoader.defaultPath

    var path: String { config }

    /// The file plus the process environment; a problem exits 78 naming the key and line.
    func load() throws -> HarkSettings {
        do {
            return try SettingsLoader.load(path: config, environment: processEnvironment())
        } catch {
            throw CLIError(error.description, exitCode: Sysexits.config)
        }
    }
}

/// The process environment (`environ`) as a dictionary.
func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return result
}
