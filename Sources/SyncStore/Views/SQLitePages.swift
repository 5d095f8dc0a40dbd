public import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {
    /// The hub's present casters of a race.
    static func presentCasters(_ db: Database, race: UUID) throws -> [UUID: CasterRegister] {
        try StateQueries.registers(db, race: race).filter { $0.value.present }
    }

    /// A race page from the authoritative state; nil for an unknown race.
    public func racePage(_ id: UUID) throws -> RacePageData? {
        try read { db in
            try PageViews.racePage(SQLiteStateReader(db: db), id: id) { try Self.presentCasters(db, race: $0) }
        }
    }

    /// The front page from the authoritative state.
    public func frontPage() throws -> FrontPageData {
        try read { db in
            try PageViews.frontPage(SQLiteStateReader(db: db), newest: try RaceListing.newestActive(db)) {
                try Self.presentCasters(db, race: $0)
            }
        }
    }

    /// The cursor of the newest change in the log: where a reader that has seen everything is.
    public func logHead() throws -> PullCursor {
        try read { db in PullCursor(storeID: storeID, seq: try RowLog.lastSeq(db)) }
    }
}

extension ReplicaStore {
    /// A race page from the local view (pending ops on top, members marked `pending`).
    public func racePage(_ id: UUID) throws -> RacePageData? {
        try pool.read { db in
            let view = try viewCasters(db, race: id)
            return try PageViews.racePage(SQLiteStateReader(db: db, pendingOps: true), id: id, pending: view.pending) {
                _ in view.registers
            }
        }
    }

    /// The front page from the local view.
    public func frontPage() throws -> FrontPageData {
        try pool.read { db in
            try PageViews.frontPage(
                SQLiteStateReader(db: db, pendingOps: true), newest: try RaceListing.newestActive(db)
            ) { try viewCasters(db, race: $0).registers }
        }
    }
}
