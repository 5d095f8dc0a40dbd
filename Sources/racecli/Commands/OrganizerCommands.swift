import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

/// What an organizer's command does online: one REST write as the replica's user, then a sync
/// round so the replica shows it. The hub applies the same rules as to every other client.
struct OrganizerWrite {
    let replica: ReplicaOptions
    let json: Bool

    /// Runs `write` (given the client and the race's id, when `race` names one) and prints the race.
    func run(race: String?, _ write: (HTTPHubClient, UUID?) async throws -> Data) async throws {
        let store = try replica.open()
        defer { try? store.close() }
        guard let session = try store.session() else {
            throw CommandFailure.user(LocalWriteError.notLoggedIn.description)
        }
        let client: HTTPHubClient
        do { client = try HTTPHubClient(base: session.hub, token: session.token) } catch {
            throw CommandFailure.user("\(error)")
        }
        let id = try race.map { try RaceLookup.resolve($0, in: store).id }
        let answer: Data
        do {
            answer = try await write(client, id)
        } catch let error as HubClientError {
            throw CommandFailure.from(hub: error)
        }
        var report = SyncReport()
        try? await SyncRound(store: store, hub: client).pull(into: &report)
        if json {
            FileHandle.standardOutput.write(answer + Data("\n".utf8))
            return
        }
        let race = try? JSONSerialization.jsonObject(with: answer) as? [String: Any]
        let name = race?["name"] as? String ?? "race"
        let status = race?["status"] as? String ?? "?"
        print("\(DisplayText.terminalSafe(name))  [\(status)]  \(race?["id"] as? String ?? "")")
    }

    /// Removes `login` from race `id`'s `role` (`"casters"` or `"participants"`): their member id
    /// is read from the hub's detail, then removed by it.
    static func remove(_ role: String, _ login: String, race id: UUID, client: HTTPHubClient) async throws -> Data {
        let detail = try await client.organizerWrite(.GET, HubPaths.race(id))
        let members = (try? JSONSerialization.jsonObject(with: detail) as? [String: Any])?[role] as? [[String: Any]]
        guard
            let member = members?.first(where: {
                (($0["user"] as? [String: Any])?["twitch_username"] as? String) == login.lowercased()
            }), let text = member["id"] as? String, let memberID = UUID(uuidString: text)
        else { throw CommandFailure.user("\(login) is not a \(role.dropLast()) of this race") }
        return try await client.organizerWrite(.DELETE, HubPaths.race(id) + "/" + role + "/" + memberID.lowercased)
    }
}

/// `RACE LOGIN` and the shared options of a membership command.
struct RaceLoginArguments: ParsableArguments {
    @Argument(help: "Race id or unambiguous id prefix.") var race: String
    @Argument(help: "The member's Twitch login.") var login: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    /// Adds `login` to the race's `role` (`"participants"` or `"casters"`).
    func add(_ role: String) async throws {
        let login = login
        try await OrganizerWrite(replica: replica, json: output.json).run(race: race) { client, id in
            try await client.organizerWrite(.POST, HubPaths.race(id!) + "/" + role, body: ["twitch_username": login])
        }
    }

    /// Removes `login` from the race's `role`.
    func remove(_ role: String) async throws {
        let login = login
        try await OrganizerWrite(replica: replica, json: output.json).run(race: race) { client, id in
            try await OrganizerWrite.remove(role, login, race: id!, client: client)
        }
    }
}

/// `RACE` and the shared options of a life-cycle command.
struct RaceStepArguments: ParsableArguments {
    @Argument(help: "Race id or unambiguous id prefix.") var race: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run(_ step: String) async throws {
        try await OrganizerWrite(replica: replica, json: output.json).run(race: race) { client, id in
            try await client.organizerWrite(.POST, HubPaths.race(id!) + "/" + step)
        }
    }
}

struct RaceCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a race you organize (online).",
        discussion: "Example: racecli race create \"Any% Glitchless\"")
    @Argument(help: "The race's name (1-200 characters).") var name: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        try await OrganizerWrite(replica: replica, json: output.json).run(race: nil) { client, _ in
            try await client.organizerWrite(.POST, HubPaths.races, body: ["name": name])
        }
    }
}

struct ParticipantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant", abstract: "Add or remove a participant of a race you organize (online).",
        subcommands: [Add.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a participant by Twitch login.", discussion: "Example: racecli participant add 3f2a runner1")
        @OptionGroup var arguments: RaceLoginArguments

        func run() async throws { try await arguments.add("participants") }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a participant by Twitch login.",
            discussion: "Example: racecli participant remove 3f2a runner1")
        @OptionGroup var arguments: RaceLoginArguments

        func run() async throws { try await arguments.remove("participants") }
    }
}

struct CasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caster", abstract: "Add or remove a caster of a race you organize (online).",
        subcommands: [Add.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a caster by Twitch login.", discussion: "Example: racecli caster add 3f2a commentator")
        @OptionGroup var arguments: RaceLoginArguments

        func run() async throws { try await arguments.add("casters") }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a caster by Twitch login.", discussion: "Example: racecli caster remove 3f2a commentator")
        @OptionGroup var arguments: RaceLoginArguments

        func run() async throws { try await arguments.remove("casters") }
    }
}

/// `racecli start|finish|release-seeds RACE`.
struct LifeCycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a race you organize (online).", discussion: "Example: racecli start 3f2a"
    )
    @OptionGroup var arguments: RaceStepArguments
    func run() async throws { try await arguments.run("start") }
}

struct FinishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finish", abstract: "Finish a race you organize (online).",
        discussion: "Example: racecli finish 3f2a")
    @OptionGroup var arguments: RaceStepArguments
    func run() async throws { try await arguments.run("finish") }
}

struct ReleaseSeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release-seeds", abstract: "Release the seeds of a race you organize (online).",
        discussion: "Example: racecli release-seeds 3f2a")
    @OptionGroup var arguments: RaceStepArguments
    func run() async throws { try await arguments.run("release-seeds") }
}
