import ArgumentParser
import Foundation
import SyncCore
import SyncNode
import SyncStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Node id, hub, last successful sync, pending, rejected and overridden ops, replica size.",
        discussion: """
            Overridden ops are your writes that lost to someone else's newer write, or that someone
            else overwrote later ("your join of Any% at 14:03:20 UTC was overridden by org's removal
            at 14:03:22 UTC"): last-writer-wins, explained.
            Example: racecli status --json; racecli status --clear-rejected once you have read them.
            """)

    @Flag(name: .customLong("clear-rejected"), help: "Forget the rejected and overridden ops after showing them.")
    var clearRejected = false

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try clearRejected ? replica.open() : replica.openForReading()
        defer { try? store.close() }
        let session = try store.session()
        let pending = try store.pendingOps()
        let rejected = try store.rejectedOps()
        let overridden = try store.overriddenOps()
        let lastSync = try store.lastSyncAt()
        if output.json {
            try Output.json(
                StatusJSON(
                    nodeID: store.nodeID, hub: session?.hub, user: session?.user, lastSyncAt: lastSync,
                    replicaBytes: store.sizeInBytes(), pending: pending,
                    rejected: rejected.map {
                        RejectedJSON(opID: $0.opID, kind: $0.kind, raceID: $0.raceID, code: $0.code, detail: $0.detail)
                    },
                    overridden: overridden.map(OverriddenJSON.init)))
        } else {
            print("node:        \(store.nodeID)")
            print("hub:         \(session?.hub ?? "(not logged in)")")
            print("user:        \(session.map { Output.name($0.user) } ?? "-")")
            print("last sync:   \(lastSync.map { "\(Timestamp.format($0)) (\(Output.age($0)))" } ?? "never")")
            print("replica:     \(store.path) (\(store.sizeInBytes()) bytes)")
            print("pending:     \(pending.count) op(s)")
            for op in pending {
                print(
                    "  \(op.kind.rawValue) race \(op.raceID.lowercased) at \(Timestamp.format(milliseconds: op.hlc.wallMs))"
                )
            }
            print("rejected:    \(rejected.count) op(s)")
            for op in rejected { print("  \(op.kind.rawValue) race \(op.raceID.lowercased): \(op.code) \(op.detail)") }
            print("overridden:  \(overridden.count) op(s)")
            let names = try store.raceNames(Set(overridden.map(\.raceID)))
            for entry in overridden {
                print(
                    "  "
                        + entry.explanation(
                            raceName: names[entry.raceID] ?? entry.raceID.lowercased, me: session?.user.id))
            }
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
    var overridden: [OverriddenJSON]

    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id"
        case hub, user
        case lastSyncAt = "last_sync_at"
        case replicaBytes = "replica_bytes"
        case pending, rejected, overridden
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
        try c.encode(overridden, forKey: .overridden)
    }
}
