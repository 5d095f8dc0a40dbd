public import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {
    /// The live-now feed of `scope` from the authoritative state; nil for an unknown race.
    public func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed? {
        try read { db in
            try FeedSource.feed(SQLiteStateReader(db: db), scope: scope, baseURL: baseURL) {
                try Self.presentCasters(db, race: $0)
            }
        }
    }

    /// Ids of the setup/running races (feed export writes one folder each).
    public func activeRaceIDs() throws -> [UUID] {
        try read { db in try UUID.fetchAll(db, sql: "SELECT r.id FROM races r WHERE \(StateQueries.raceIsActive)") }
    }
}

extension ReplicaStore {
    /// The live-now feed rendered from the local view, with the hub URL as base.
    public func liveFeed(_ scope: FeedScope, baseURL: String) throws -> LiveFeed? {
        try pool.read { db in
            try FeedSource.feed(SQLiteStateReader(db: db, pendingOps: true), scope: scope, baseURL: baseURL) {
                try viewCasters(db, race: $0).registers
            }
        }
    }
}
