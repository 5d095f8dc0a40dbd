public import Foundation
public import SyncCore

extension Hub {
    /// Merges a pushed batch in one transaction: one result per op, in order, every answer
    /// durable before this returns.
    public func push(_ ops: [Op], caller: UUID) async throws -> PushResponse {
        let clock = backend.clock
        let results = try await backend.transaction { tx in
            try await Self.merge(ops, caller: caller, in: tx, clock: clock).results
        }
        return PushResponse(results: results, hlc: clock.last)
    }

    /// The merge of a batch inside `tx`, set-based: the facts of the whole batch with a handful
    /// of reads, each op decided in order by the pure rules (`MergeDecisions`, earlier ops of
    /// the batch folded in), and the writes as one call each: the registers' last applied
    /// states with their log positions (in the order of their last change) and the answers.
    static func merge(_ ops: [Op], caller: UUID, in tx: any HubTransaction, clock: HubClock) async throws
        -> MergeDecisions
    {
        guard !ops.isEmpty else { return MergeDecisions() }
        let recorded = try await tx.answers(Array(Set(ops.map(\.opID))))
        let races = try await tx.races(Array(Set(ops.map(\.raceID)))).mapValues(\.race)
        let keys = Array(Set(ops.map { RegisterKey(race: $0.raceID, user: $0.userID) }))
        let joining = Set(ops.filter { $0.kind == .join }.map { RegisterKey(race: $0.raceID, user: $0.userID) })
        let facts = try await tx.pairFacts(keys, joining: joining)
        var decisions = MergeDecisions.decide(
            ops, caller: caller, priors: recorded.mapValues(\.answer), authors: recorded.compactMapValues(\.author),
            races: races, facts: facts, nowMs: clock.now(), observe: clock.observe)
        let winners = decisions.winnerAuthors
        if !winners.isEmpty { decisions.name(try await tx.users(Array(winners))) }
        try await tx.writeRegisters(decisions.changes)
        try await tx.recordAnswers(decisions.answers, author: caller)
        return decisions
    }
}
