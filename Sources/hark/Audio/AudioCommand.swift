import ArgumentParser

/// `hark audio`: look at, record from and play to the PCMs the firmware uses, through the
/// same engines, so a board or a container can be checked before Alexa is involved.
struct AudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Check the sound devices: list them, record, play.",
        discussion: Sysexits.helpText,
        subcommands: [DevicesCommand.self, RecordCommand.self, PlayCommand.self])
}
