import ArgumentParser

/// `syncd node`: the replica daemon.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Keep a local replica in sync with the hub.")

    @Option(help: "Replica file (default: $XDG_DATA_HOME/racesync/replica.sqlite).")
    var db: String?
    @Option(help: "Hub base URL (default: the one 'racecli login' stored).")
    var hub: String?
    @Option(help: "API token (default: the one 'racecli login' stored).")
    var token: String?
    @Option(help: "Seconds between sync rounds.")
    var interval: Int = 5

    func run() async throws {
        throw CLIFailure(message: "syncd node is not available in this build yet")
    }
}
