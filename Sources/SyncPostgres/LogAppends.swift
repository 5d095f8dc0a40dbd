import Foundation
import Logging
import PostgresNIO
import SyncCore

/// The change-log rows one write transaction appends, numbered from the locked head: written
/// by `flush` as one multi-row statement (`UNNEST` of arrays).
///
/// The log is compacted by row like the SQLite log: a key's new change replaces its previous
/// row with a larger `seq`, so the newest change of every row always sits after older ones.
struct LogAppends: Sendable {
    private var entries: [(kind: String, key: String, payload: String, at: Int64)] = []
    private let head: Int64
    /// Whether these appends change what readers see (a poll that found no live-status change
    /// appends only its poll time, and wakes nobody).
    var wakesReaders = false

    init(after head: Int64) { self.head = head }

    var isEmpty: Bool { entries.isEmpty }
    /// The head after this transaction's appends.
    var lastSeq: Int64 { head + Int64(entries.count) }

    mutating func append(_ data: ChangeData, atMs: Int64) throws {
        entries.append((data.kind, data.key, String(decoding: try data.payload(), as: UTF8.self), atMs))
    }

    /// Writes the rows: a key appended twice keeps its last change (with its seq).
    func flush(_ connection: PostgresConnection, logger: Logger) async throws {
        guard !entries.isEmpty else { return }
        var lastIndex: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { lastIndex[entry.key] = index }
        let kept = entries.indices.filter { lastIndex[entries[$0].key] == $0 }
        try await connection.run(
            Statements.AppendLog(
                seqs: kept.map { head + Int64($0) + 1 }, kinds: kept.map { entries[$0].kind },
                keys: kept.map { entries[$0].key },
                payloads: kept.map { entries[$0].payload }, ats: kept.map { entries[$0].at }),
            logger: logger)
    }
}
