import ArgumentParser

/// The `switchboard` command: every role of the product in one binary (started by ``Entry``).
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Switchboard: one inbox for every customer channel.",
        subcommands: [Serve.self, Admin.self, MigrateData.self, Bench.self])
}
