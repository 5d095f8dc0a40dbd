import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

/// Options every command shares.
struct ReplicaOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Replica file.", discussion: "Default: $RACECLI_DB, else $XDG_DATA_HOME/racesync/replica.sqlite."))
    var db: String?

    var path: String { db ?? DefaultPaths.replicaDatabase() }

    /// Opens the replica; an unusable file is exit 1 with a message naming it.
    func open(create: Bool = false) throws -> ReplicaStore {
        try exitOneOnFailure { try ReplicaStore(path: path, create: create) }
    }

    /// Opens the replica for a read command: read-only, one connection, nothing written
    /// (`ReplicaStore.reading`).
    func openForReading() throws -> ReplicaStore {
        try exitOneOnFailure { try ReplicaStore.reading(path: path) }
    }

    private func exitOneOnFailure(_ open: () throws -> ReplicaStore) throws -> ReplicaStore {
        do { return try open() } catch { throw CommandFailure.user("\(error)") }
    }
}

/// `--json` for commands that print data.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON in the hub API's shapes instead of a table.")
    var json = false
}

extension ReplicaStore {
    /// A client for the hub this replica is logged in to, as its user; exit 1 when it is not.
    func hubClient() throws -> HTTPHubClient {
        guard let session = try session() else { throw CommandFailure.user(LocalWriteError.notLoggedIn.description) }
        do { return try HTTPHubClient(base: session.hub, token: session.token) } catch {
            throw CommandFailure.user("\(error)")
        }
    }
}
