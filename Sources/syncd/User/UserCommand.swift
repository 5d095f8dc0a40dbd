import ArgumentParser
import Foundation
import Logging
import RaceService
import RaceSyncCommand
import SyncCore
import SyncStore

/// `syncd user add|list`: user administration on the hub store.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create and list hub users.",
        subcommands: [UserAdd.self, UserList.self])
}

/// Options shared by the `user` subcommands.
struct HubDatabaseOption: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Hub store: a SQLite file, or postgresql://USER@HOST[:PORT]/DB (default: $RACESYNC_DATABASE_URL, else $XDG_DATA_HOME/racesync/hub.sqlite)."
    )
    var db: String?

    func open() async throws -> HubBackend {
        try await HubBackend.open(db, serving: false, logger: Logger(label: "racesync.user"))
    }
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a user and print its API token once.",
        discussion: """
            LOGIN is a Twitch login: 1-25 of [a-zA-Z0-9_], stored lowercase. The token is printed
            alone on the last line of stdout and is not shown again (the store keeps only its hash).
            Example: syncd user add alice --display-name "Alice A."
            """)

    @Argument(help: "Twitch login of the new user.")
    var login: String

    @Option(name: .customLong("display-name"), help: "Display name shown in feeds.")
    var displayName: String?

    @OptionGroup var database: HubDatabaseOption

    func run() async throws {
        let store = try await database.open()
        defer { store.close() }
        do {
            let (user, token) = try await store.hub.addUser(login: login, displayName: displayName)
            FileHandle.standardError.write(
                Data(
                    "created user \(user.twitchUsername) (\(user.id.lowercased)); its API token follows and is not shown again\n"
                        .utf8))
            print(token)
        } catch let error as UserAddError {
            throw CommandFailure.user(error.description)
        }
    }
}

struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List users (never tokens).",
        discussion: "Example: syncd user list --json")

    @OptionGroup var database: HubDatabaseOption

    @Flag(help: "Print [User] as JSON.")
    var json = false

    func run() async throws {
        let store = try await database.open()
        defer { store.close() }
        let users = try await store.hub.users()
        if json {
            print(String(decoding: try WireJSON.encode(users, pretty: true), as: UTF8.self))
            return
        }
        if users.isEmpty {
            FileHandle.standardError.write(Data("no users yet: create one with 'syncd user add LOGIN'\n".utf8))
            return
        }
        print(
            "LOGIN".padding(toLength: 26, withPad: " ", startingAt: 0)
                + "DISPLAY NAME".padding(toLength: 26, withPad: " ", startingAt: 0) + "ID")
        for user in users {
            print(
                user.twitchUsername.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + (user.twitchDisplayName ?? "-").padding(toLength: 26, withPad: " ", startingAt: 0)
                    + user.id.lowercased)
        }
    }
}
