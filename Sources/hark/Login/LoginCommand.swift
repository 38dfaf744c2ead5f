import AVSTransport
import Appliance
import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `hark login`: code-based linking with Login with Amazon, for a board with no browser.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Link this device to an Amazon account (code-based linking).",
        discussion: "Prints a URL and a code to enter on any phone or computer, waits until you approve, and stores the refresh token in the state directory.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Give up after this many seconds without a link (Login with Amazon unreachable, or the code not entered).", valueName: "seconds"))
    var timeout: Int = 600

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds, got \(timeout)") }
    }

    func run() async throws {
        let settings = try config.load()
        _ = try global.bootstrapLogging(configured: settings.log.level)
        let client: LWAClient
        do {
            client = try LWAClient(configuration: ApplianceParts.lwaConfiguration(settings))
        } catch {
            throw CLIError("cannot set up Login with Amazon: \(error)", exitCode: Sysexits.software)
        }
        let store = TokenStore(directory: settings.state.directory)
        do {
            try AtomicFileDirectory.ensure(settings.state.directory)
        } catch {
            throw CLIError("the state directory '\(settings.state.directory)' is not usable: \(error)", exitCode: Sysexits.cannotCreate)
        }
        let authorizer = LWAAuthorizer(client: client, store: store, logger: Logger(label: "hark.lwa"))
        do {
            try await link(authorizer)
        } catch let error as CodePairLinkingError {
            await authorizer.stop()
            throw CLIError("\(error)", exitCode: Sysexits.temporaryFailure)
        }
        await authorizer.stop()
        guard (try? store.load()) ?? nil != nil else {
            throw CLIError("linking did not store a refresh token in \(store.path)", exitCode: Sysexits.software)
        }
        print("linked: the refresh token is stored in \(store.path) (mode 0600)")
    }

    private func link(_ authorizer: LWAAuthorizer) async throws {
        // `HARK_QRENCODE_LIBRARY` names another library file (tests: one that is not there).
        let qrLibrary = QREncodeLibrary.load(
            named: getenv("HARK_QRENCODE_LIBRARY").map { String(cString: $0) } ?? QREncodeLibrary.defaultName)
        try await authorizer.link(giveUpAfter: .seconds(timeout)) { pair in
            print("""
                To link this device, open \(pair.verificationURI) on any phone or computer
                and enter the code:  \(pair.userCode)
                (the code expires in \(pair.expiresIn.components.seconds / 60) minutes; waiting for you...)
                """)
            for line in LinkingQRCode.lines(for: pair, library: qrLibrary) { print(line) }
            fflushStandardOutput()
        }
    }
}
