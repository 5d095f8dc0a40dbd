import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

/// Shared body of `cast-join` and `cast-leave`.
struct CasterChange {
    let kind: OpKind
    let race: String
    let replica: ReplicaOptions
    let json: Bool

    func run() throws {
        let store = try replica.open()
        defer { try? store.close() }
        let found = try RaceLookup.resolve(race, in: store)
        do {
            _ = try store.enqueue(kind, race: found.id)
        } catch let error as LocalWriteError {
            throw CommandFailure.user(error.description)
        }
        // Committed: nudge a running `syncd node` to push now.
        LocalWake.poke(replica: store.path)
        if json {
            if let detail = try store.detail(found.id) { try Output.json(detail) }
            return
        }
        let verb = kind == .join ? "joined" : "left"
        print("\(verb) \(found.name) as caster (pending: pushed on the next 'racecli sync' or by 'syncd node')")
    }
}

struct CastJoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cast-join",
        abstract: "Join a race as caster. Works offline: applied at once, pushed on the next sync.",
        discussion:
            "Refused at once (exit 1) when you are already a caster, a participant, or the race is finished.\nExample: racecli cast-join 3f2a"
    )

    @Argument(help: "Race id or unambiguous id prefix.")
    var race: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        try CasterChange(kind: .join, race: race, replica: replica, json: output.json).run()
    }
}

struct CastLeaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cast-leave",
        abstract: "Leave a race as caster. Works offline: applied at once, pushed on the next sync.",
        discussion: "Refused at once (exit 1) when you are not a caster of the race.\nExample: racecli cast-leave 3f2a")

    @Argument(help: "Race id or unambiguous id prefix.")
    var race: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        try CasterChange(kind: .leave, race: race, replica: replica, json: output.json).run()
    }
}
