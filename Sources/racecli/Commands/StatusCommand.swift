import ArgumentParser
import Foundation
import SyncCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Node id, hub, last successful sync, pending and rejected ops, replica size.",
        discussion: "Example: racecli status --json; racecli status --clear-rejected once you have read the rejections.")

    @Flag(name: .customLong("clear-rejected"), help: "Forget the rejected ops after showing them.")
    var clearRejected = false

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try replica.open()
        defer { try? store.close() }
        let session = try store.session()
        let pending = try store.pendingOps()
        let rejected = try store.rejectedOps()
        let lastSync = try store.lastSyncAt()
        if output.json {
            try Output.json(StatusJSON(
                nodeID: store.nodeID, hub: session?.hub, user: session?.user, lastSyncAt: lastSync,
                replicaBytes: store.sizeInBytes(), pending: pending,
                rejected: rejected.map { RejectedJSON(opID: $0.opID, kind: $0.kind, raceID: $0.raceID, code: $0.code, detail: $0.detail) }))
        } else {
            print("node:        \(store.nodeID)")
            print("hub:         \(session?.hub ?? "(not logged in)")")
            print("user:        \(session.map { Output.name($0.user) } ?? "-")")
            print("last sync:   \(lastSync.map { "\(Timestamp.format($0)) (\(Output.age($0)))" } ?? "never")")
            print("replica:     \(store.path) (\(store.sizeInBytes()) bytes)")
            print("pending:     \(pending.count) op(s)")
            for op in pending { print("  \(op.kind.rawValue) race \(op.raceID.lowercased) at \(Timestamp.format(milliseconds: op.hlc.wallMs))") }
            print("rejected:    \(rejected.count) op(s)")
            for op in rejected { print("  \(op.kind.rawValue) race \(op.raceID.lowercased): \(op.code) \(op.detail)") }
        }
        if clearRejected {
            let cleared = try store.clearRejected()
            Output.note("cleared \(cleared) rejected op(s)")
        }
    }
}

/// `racecli status --json`.
struct StatusJSON: Encodable {
    var nodeID: String
    var hub: String?
    var user: User?
    var lastSyncAt: Date?
    var replicaBytes: Int64
    var pending: [Op]
    var rejected: [RejectedJSON]

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id"
        case hub, user
        case lastSyncAt = "last_sync_at"
        case replicaBytes = "replica_bytes"
        case pending, rejected
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeID, forKey: .nodeID)
        try c.encode(hub, forKey: .hub)
        try c.encode(user, forKey: .user)
        try c.encode(lastSyncAt, forKey: .lastSyncAt)
        try c.encode(replicaBytes, forKey: .replicaBytes)
        try c.encode(pending, forKey: .pending)
        try c.encode(rejected, forKey: .rejected)
    }
}
