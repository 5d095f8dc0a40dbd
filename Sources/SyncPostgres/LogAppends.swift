import Foundation
import Logging
import PostgresNIO
import SyncCore

/// The log positions one write transaction hands out, numbered from the locked head, and the
/// rows they go to (`PostgresRowLog`).
///
/// A change gets the next position; a key changed twice in the transaction keeps its later
/// one. Caster registers are written with their position by the merge's upsert itself
/// (`stamped`), so the hot path writes each register row once; every other change is stamped
/// on its row by `flush`, just before the commit, or kept as an event when it has no row.
struct LogAppends: Sendable {
    private var changes: [(seq: Int64, data: ChangeData, stamped: Bool)] = []
    private let head: Int64
    /// Whether these appends change what readers see (a poll that found no live-status change
    /// appends only its poll time, and wakes nobody).
    var wakesReaders = false

    init(after head: Int64) { self.head = head }

    var isEmpty: Bool { changes.isEmpty }
    /// The head after this transaction's appends.
    var lastSeq: Int64 { head + Int64(changes.count) }

    /// Gives `data` the next position, to be stamped on its row by `flush`.
    mutating func append(_ data: ChangeData) {
        changes.append((lastSeq + 1, data, false))
    }

    /// Gives `data` the next position, which the caller writes on the row itself.
    mutating func appendStamped(_ data: ChangeData) -> Int64 {
        changes.append((lastSeq + 1, data, true))
        return lastSeq
    }

    /// Stamps the rows of the changes not yet stamped and records the changes without a row:
    /// only each key's last change counts.
    func flush(_ connection: PostgresConnection, logger: Logger) async throws {
        // A merge's registers are all stamped already: nothing to write, no keys to compare.
        guard changes.contains(where: { !$0.stamped }) else { return }
        var last: [String: Int] = [:]
        for (index, change) in changes.enumerated() { last[change.data.key] = index }
        let kept = changes.indices.filter { last[changes[$0].data.key] == $0 }.map { changes[$0] }
        try await PostgresRowLog.write(
            kept.filter { !$0.stamped }.map { ($0.seq, $0.data) }, connection, logger: logger)
    }
}
