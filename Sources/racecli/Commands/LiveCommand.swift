import ArgumentParser
import Foundation
import SyncCore
import SyncNode
import SyncStore

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Who is live now in active races (last known), and how old that knowledge is.",
        discussion: "Example: racecli live --json")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try replica.openForReading()
        defer { try? store.close() }
        let entries = try store.liveEntries()
        if output.json { return try Output.json(entries) }
        if entries.isEmpty {
            Output.note("nobody in an active race is live (as of the last sync)")
            return
        }
        Output.table(
            ["RACE", "ROLE", "STREAMER", "SINCE", "SEEN", "URL", "TITLE"],
            entries.map { e in
                [
                    e.raceName, e.role.rawValue, e.displayName ?? e.twitchUsername,
                    Timestamp.format(e.stream.startedAt),
                    Output.age(e.stream.observedAt), e.streamURL, e.stream.title,
                ]
            })
    }
}
