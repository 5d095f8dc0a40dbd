import Foundation

/// Where a page of the race list starts: after the race created at `createdAtMs` with
/// creation order `createdSeq` (the list is newest first). On the wire it is the opaque
/// string `"<created_at ms>.<created_seq>"`.
public struct RaceListCursor: Equatable, Sendable {
    public var createdAtMs: Int64
    public var createdSeq: Int64

    public init(createdAtMs: Int64, createdSeq: Int64) {
        self.createdAtMs = createdAtMs
        self.createdSeq = createdSeq
    }

    /// Parses a cursor; nil when it is not well-formed (never traps on any input).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ (1...19).contains($0.utf8.count) && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let at = Int64(parts[0]), let seq = Int64(parts[1])
        else { return nil }
        self.init(createdAtMs: at, createdSeq: seq)
    }

    public var text: String { "\(createdAtMs).\(createdSeq)" }
}
