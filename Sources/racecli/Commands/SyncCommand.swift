import ArgumentParser
import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one push+pull round with the hub now.",
        discussion: """
            Prints what the hub applied, superseded and rejected (with its reason). Exit 0 when the
            round completed, even if some ops were rejected; 3 when the hub is unreachable.
            Example: racecli sync --json
            """)

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        let store = try replica.open()
        defer { try? store.close() }
        let client = try store.hubClient()
        let report: SyncReport
        do {
            report = try await SyncRound(store: store, hub: client).run()
        } catch let error as HubClientError {
            throw CommandFailure.from(hub: error)
        }
        if output.json { return try Output.json(SyncReportJSON(report)) }
        let names = try store.raceNames(
            Set((report.applied + report.superseded + report.duplicate + report.rejected.map(\.op)).map(\.raceID)))
        func describe(_ op: Op) -> String { "\(op.kind.rawValue) \(names[op.raceID] ?? op.raceID.lowercased)" }
        for op in report.applied { print("applied     \(describe(op))") }
        for op in report.superseded {
            let winner = report.winners[op.opID].map {
                "\($0.user.twitchUsername)'s \($0.kind.rawValue) at \(Timestamp.format(milliseconds: $0.hlc.wallMs)) won"
            }
            print("superseded  \(describe(op)) (\(winner ?? "a newer change won"))")
        }
        for op in report.duplicate { print("duplicate   \(describe(op)) (already answered)") }
        for entry in report.rejected { print("rejected    \(describe(entry.op)): \(entry.code) \(entry.detail)") }
        if report.reset { print("the hub asked for a fresh snapshot; the replica was rebuilt (pending ops kept)") }
        print(
            "pulled \(report.changesPulled) change\(report.changesPulled == 1 ? "" : "s"); \(try store.pendingOps().count) op(s) pending"
        )
    }
}

/// `racecli sync --json`.
struct SyncReportJSON: Encodable {
    var applied: [Op]
    var superseded: [Op]
    var duplicate: [Op]
    var rejected: [RejectedJSON]
    var changesPulled: Int
    var reset: Bool

    init(_ report: SyncReport) {
        applied = report.applied
        superseded = report.superseded
        duplicate = report.duplicate
        rejected = report.rejected.map {
            RejectedJSON(opID: $0.op.opID, kind: $0.op.kind, raceID: $0.op.raceID, code: $0.code, detail: $0.detail)
        }
        changesPulled = report.changesPulled
        reset = report.reset
    }

    enum CodingKeys: String, CodingKey {
        case applied, superseded, duplicate, rejected, reset
        case changesPulled = "changes_pulled"
    }
}
