import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

/// `racecli race RACE` (show, the default) and `racecli race create NAME`.
struct RaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race",
        abstract: "Show one race (racecli race RACE), or create one you organize (racecli race create NAME).",
        subcommands: [RaceShowCommand.self, RaceCreateCommand.self], defaultSubcommand: RaceShowCommand.self)
}

struct RaceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one race: status, organizer, participants, casters, who is live, pending and rejected changes.",
        discussion: "RACE is a UUID or an unambiguous prefix of one. Example: racecli race 3f2a --json")

    @Argument(help: "Race id or unambiguous id prefix.")
    var race: String

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try replica.openForReading()
        defer { try? store.close() }
        let found = try RaceLookup.resolve(race, in: store)
        guard let detail = try store.detail(found.id) else {
            throw CommandFailure.user("race \(found.id.lowercased) vanished")
        }
        let pending = try store.pendingOps().filter { $0.raceID == found.id }
        let rejected = try store.rejectedOps().filter { $0.raceID == found.id }
        if output.json { return try Output.json(detail) }
        print("\(detail.name)  [\(detail.status.rawValue)\(detail.seedsReleased ? ", seeds released" : "")]")
        print("id:         \(detail.id.lowercased)")
        print("organizer:  \(Output.name(detail.organizer))")
        print("created:    \(Timestamp.format(detail.createdAt))")
        func list(_ title: String, _ members: [Member]) {
            print("\(title) (\(members.count)):")
            for member in members {
                var line = "  \(Output.name(member.user))"
                if member.isLive, let url = member.streamURL { line += "  LIVE \(url)" }
                if member.pending == true { line += "  (pending sync)" }
                if let by = member.changedBy, let at = member.changedAt, member.pending != true {
                    line +=
                        by.id == member.user.id
                        ? "  (joined \(Output.age(at)))" : "  (added by \(by.twitchUsername) \(Output.age(at)))"
                }
                print(line)
            }
        }
        list("participants", detail.participants)
        list("casters", detail.casters)
        if !pending.isEmpty {
            print("pending local changes (\(pending.count)):")
            for op in pending { print("  \(op.kind.rawValue) at \(Timestamp.format(milliseconds: op.hlc.wallMs))") }
        }
        if !rejected.isEmpty {
            print("rejected by the hub (\(rejected.count)):")
            for op in rejected { print("  \(op.kind.rawValue): \(op.code) \(op.detail)") }
        }
    }
}
