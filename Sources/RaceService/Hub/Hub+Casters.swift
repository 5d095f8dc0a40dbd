public import Foundation
public import SyncCore

extension Hub {
    /// Self-join as caster (REST): the route's checks, then a hub-stamped op through the merge.
    public func castJoin(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await casterWrite(race: id, caller: caller, kind: .join) { _, facts in
            if let violation = RaceRules.castJoin(facts, caller: caller) { throw violation }
            return caller
        }
    }

    /// Self-leave as caster (REST).
    public func castLeave(race id: UUID, caller: UUID) async throws -> RaceDetail {
        try await casterWrite(race: id, caller: caller, kind: .leave) { _, facts in
            if let violation = RaceRules.castLeave(facts, caller: caller) { throw violation }
            return caller
        }
    }

    /// The organizer adds a caster by login (REST).
    public func addCaster(race id: UUID, caller: UUID, login: String) async throws -> RaceDetail {
        try await casterWrite(race: id, caller: caller, kind: .join) { tx, facts in
            let target = try await tx.user(login: login.lowercased())
            if let violation = RaceRules.addCaster(facts, caller: caller, target: target, login: login) {
                throw violation
            }
            guard let target else { throw RuleViolation.userNotFound(login) }
            return target.id
        }
    }

    /// The organizer removes a caster by caster id (REST).
    public func removeCaster(race id: UUID, caller: UUID, casterID: UUID) async throws -> RaceDetail {
        try await casterWrite(race: id, caller: caller, kind: .leave) { _, facts in
            try RaceRules.removeCaster(facts, caller: caller, casterID: casterID).get()
        }
    }

    /// A REST caster write: `check` applies the route's rules and names the op's user; the op,
    /// stamped by the hub, then goes through the merge as a batch of one (the path every push
    /// takes), in the same transaction. A rejection by the merge becomes the route's error.
    private func casterWrite(
        race id: UUID, caller: UUID, kind: OpKind,
        check: @escaping @Sendable (any HubTransaction, RaceFacts) async throws -> UUID
    ) async throws -> RaceDetail {
        let clock = backend.clock
        return try await backend.transaction { tx in
            let facts = try await tx.existingRace(id)
            let user = try await check(tx, facts)
            let op = Op(kind: kind, raceID: id, userID: user, hlc: clock.stamp())
            let decisions = try await Self.merge([op], caller: caller, in: tx, clock: clock)
            if let violation = decisions.violations[op.opID] { throw violation }
            return try await tx.detailAfterWrite(id)
        }
    }
}
