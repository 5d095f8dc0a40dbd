import ArgumentParser
import RaceSyncCommand
import Foundation
import SyncCore
import SyncStore

/// `syncd user add|list`: user administration on the hub store.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create and list hub users.",
        subcommands: [UserAdd.self, UserList.self])
}

/// Options shared by the `user` subcommands.
struct HubDatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Hub store file (default: $XDG_DATA_HOME/racesync/hub.sqlite).")
    var db: String?

    func open() throws -> HubStore {
        do {
            return try HubStore(path: db ?? DefaultPaths.hubDatabase())
        } catch {
            throw CommandFailure.user("\(error)")
        }
    }
}

struct UserAdd: ParsableCommand {
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

    func run() throws {
        let store = try database.open()
        defer { try? store.close() }
        do {
            let (user, token) = try store.addUser(login: login, displayName: displayName)
            FileHandle.standardError.write(Data("created user \(user.twitchUsername) (\(user.id.lowercased)); its API token follows and is not shown again\n".utf8))
            print(token)
        } catch let error as UserAddError {
            throw CommandFailure.user(error.description)
        }
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List users (never tokens).",
        discussion: "Example: syncd user list --json")

    @OptionGroup var database: HubDatabaseOption

    @Flag(help: "Print [User] as JSON.")
    var json = false

    func run() throws {
        let store = try database.open()
        defer { try? store.close() }
        let users = try store.users()
        if json {
            print(String(decoding: try WireJSON.encode(users, pretty: true), as: UTF8.self))
            return
        }
        if users.isEmpty {
            FileHandle.standardError.write(Data("no users yet: create one with 'syncd user add LOGIN'\n".utf8))
            return
        }
        print("LOGIN".padding(toLength: 26, withPad: " ", startingAt: 0) + "DISPLAY NAME".padding(toLength: 26, withPad: " ", startingAt: 0) + "ID")
        for user in users {
            print(
                user.twitchUsername.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + (user.twitchDisplayName ?? "-").padding(toLength: 26, withPad: " ", startingAt: 0) + user.id.lowercased)
        }
    }
}
