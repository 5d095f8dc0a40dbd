public import ArgumentParser
import Foundation
import SyncCore
import SyncNode
import SyncStore

extension RaceStatus: ExpressibleByArgument {}

struct RacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "races",
        abstract: "List the races in the replica, newest first.",
        discussion: "Example: racecli races --status running --json")

    @Option(help: "Only races in this status (setup, running, finished).")
    var status: RaceStatus?

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try replica.openForReading()
        defer { try? store.close() }
        if output.json { return try Output.streamJSONArray { try store.forEachSummary(status: status, $0) } }
        let races = try store.summaries(status: status)
        if races.isEmpty {
            Output.note("no races\(status.map { " in \($0.rawValue)" } ?? "") in the replica")
            return
        }
        Output.table(
            ["ID", "STATUS", "PARTICIPANTS", "CASTERS", "ORGANIZER", "NAME"],
            races.map { race in
                [
                    String(race.id.lowercased.prefix(8)), race.status.rawValue, String(race.participantCount),
                    String(race.casterCount),
                    race.organizer.twitchUsername, race.name,
                ]
            })
    }
}
