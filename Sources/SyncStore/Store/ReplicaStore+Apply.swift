import Foundation
import GRDB
public import SyncCore

extension ReplicaStore {
    /// Applies one pull page and its cursor in one transaction. A `reset` page first drops the
    /// confirmed state (the outbox and rejected list stay), so the next pages rebuild it.
    public func apply(_ page: PullPage) throws {
        try write { db in try apply(db, page) }
    }

    func apply(_ db: Database, _ page: PullPage) throws {
        if page.reset { try Self.wipeConfirmedState(db) }
        var clock = try loadClock(db)
        let me = try Self.session(db)?.user.id
        for change in page.changes {
            switch change.data {
            case .user(let user):
                try db.execute(
                    sql: """
                        INSERT INTO users (id, login, display_name, twitch_id, avatar_url, created_at) VALUES (?, ?, ?, ?, ?, 0)
                        ON CONFLICT(id) DO UPDATE SET login = excluded.login, display_name = excluded.display_name,
                            twitch_id = excluded.twitch_id, avatar_url = excluded.avatar_url
                        """,
                    arguments: [
                        user.id, user.twitchUsername, user.twitchDisplayName, user.twitchUserID, user.avatarURL,
                    ])
            case .race(let state):
                let race = state.race
                try db.execute(
                    sql: """
                        INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET name = excluded.name, status = excluded.status,
                            seeds_released = excluded.seeds_released, updated_at = excluded.updated_at
                        """,
                    arguments: [
                        race.id, state.createdSeq, race.name, race.status.rawValue, race.seedsReleased,
                        race.organizerID,
                        Timestamp.milliseconds(race.createdAt), Timestamp.milliseconds(race.updatedAt),
                    ])
            case .participant(let p) where p.removed:
                try db.execute(
                    sql: "DELETE FROM participants WHERE race_id = ? AND user_id = ?", arguments: [p.raceID, p.userID])
            case .participant(let p):
                try db.execute(
                    sql: "INSERT OR IGNORE INTO participants (race_id, user_id) VALUES (?, ?)",
                    arguments: [p.raceID, p.userID])
            case .caster(let c):
                try Self.noteOverwrite(db, change: c, me: me, now: now())
                try Self.confirm(db, race: c.raceID, user: c.userID, register: c.register)
                clock.receive(c.register.hlc, now: now())
            case .live(let live):
                try StateQueries.setLive(db, live)
            case .poll(let poll):
                try Meta.setDate(db, "last_poll_at", poll.at)
            case .unknown:
                continue
            }
        }
        try saveClock(db, clock)
        try Meta.set(db, "cursor", page.cursor)
    }

    /// Writes a register into the confirmed state unless it already holds a newer stamp
    /// (registers only grow on the hub, so an older value is never the truth).
    static func confirm(_ db: Database, race: UUID, user: UUID, register: CasterRegister) throws {
        try StateQueries.writeRegister(db, race: race, user: user, register, onlyForward: true)
    }

    func loadClock(_ db: Database) throws -> HybridClock {
        guard let text = try Meta.get(db, "hlc") else { return HybridClock(node: nodeID) }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let wall = Int64(parts[0]), let counter = UInt16(parts[1]) else {
            return HybridClock(node: nodeID)
        }
        return HybridClock(node: nodeID, last: HLC(wallMs: wall, counter: counter, node: nodeID))
    }

    func saveClock(_ db: Database, _ clock: HybridClock) throws {
        try Meta.set(db, "hlc", "\(clock.last.wallMs):\(clock.last.counter)")
    }

    /// Observes the hub's clock (from a push response).
    public func observe(_ remote: HLC) throws {
        try write { db in
            var clock = try loadClock(db)
            clock.receive(remote, now: now())
            try saveClock(db, clock)
        }
    }
}
