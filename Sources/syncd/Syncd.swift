import ArgumentParser
import Foundation
import RaceSyncCommand

/// `syncd`: the RaceSync daemon, in its hub and node roles, plus user administration.
@main
struct Syncd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncd",
        abstract: "RaceSync daemon: the central hub, a replica node, and user administration.",
        discussion: """
            Start a hub:        syncd hub --port 8080
            Create a user:      syncd user add alice --display-name Alice
            Run a node replica: RACESYNC_TOKEN=<token> syncd node --hub http://127.0.0.1:8080
            """,
        subcommands: [HubCommand.self, NodeCommand.self, UserCommand.self])

    static func main() async {
        await CommandMain.run(Self.self, name: "syncd") { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    }
}
