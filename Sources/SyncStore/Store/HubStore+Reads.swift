public import Foundation
import GRDB
public import RaceService
public import SyncCore

extension HubStore {
    /// The race's detail, or nil when unknown.
    public func raceDetail(_ id: UUID) throws -> RaceDetail? {
        try read { db in try Self.detail(db, id) }
    }

    /// The detail of race `id` as `db` sees it, or nil when unknown.
    static func detail(_ db: Database, _ id: UUID) throws -> RaceDetail? {
        guard let race = try StateQueries.race(db, id: id) else { return nil }
        let casters = try presentCasters(db, race: id)
        return try StateQueries.detail(db, race: race, casters: casters)
    }

    /// Every race, newest first.
    public func raceSummaries() throws -> [RaceSummary] {
        try read { db in try RaceListing.summaries(db, status: nil) }
    }

    /// A page of the race list, newest first: at most `limit` races after `before`.
    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) throws -> RaceListPage {
        try read { db in try RaceListing.page(db, status: status, before: before, limit: limit) }
    }
}
