import ArgumentParser

/// `hark-bench`: printed performance numbers for the README, not pass/fail tests.
@main
struct HarkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark-bench",
        abstract: "Hark benchmarks (printed numbers; build with -c release).",
        subcommands: [AudioBenchmarkCommand.self]
    )
}
