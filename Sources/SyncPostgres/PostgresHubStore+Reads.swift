public import Foundation
import PostgresNIO
public import RaceService
public import SyncCore

extension PostgresHubStore {
    public func token(hash: Data) async throws -> (user: User, token: StoredToken)? {
        try await guarded { [client, logger] in
            try await client.withConnection { connection in
                try await connection.rows(Statements.TokenUser(hash: hash), logger: logger).first.map { row in
                    let (userID, login, displayName, twitchID, avatarURL, id, name, createdAtMs, lastUsedAtMs) = row
                    return (
                        PostgresRows.user((userID, login, displayName, twitchID, avatarURL)),
                        StoredToken(
                            id: id, userID: userID, name: name, createdAtMs: createdAtMs, lastUsedAtMs: lastUsedAtMs)
                    )
                }
            }
        }
    }

    /// `user`'s API tokens, newest first.
    public func tokens(of user: UUID) async throws -> [StoredToken] {
        try await read { [logger] connection in
            try await connection.all(
                """
                SELECT id, name, created_at, last_used_at FROM tokens WHERE user_id = \(user)
                ORDER BY created_at DESC, name
                """, as: (UUID, String, Int64, Int64?).self, logger: logger
            ).map { id, name, createdAtMs, lastUsedAtMs in
                StoredToken(id: id, userID: user, name: name, createdAtMs: createdAtMs, lastUsedAtMs: lastUsedAtMs)
            }
        }
    }

    /// The session whose id hashes to `hash`, ended or not.
    public func session(hash: Data) async throws -> StoredSession? {
        try await read { [logger] connection in
            try await connection.all(
                """
                SELECT \(unescaped: PostgresRows.userColumns(of: "u")), s.expires_at
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = \(hash)
                """, as: (UUID, String, String?, String?, String?, Int64).self, logger: logger
            ).first.map { id, login, displayName, twitchID, avatarURL, expiresAtMs in
                StoredSession(
                    user: PostgresRows.user((id, login, displayName, twitchID, avatarURL)), expiresAtMs: expiresAtMs)
            }
        }
    }

    /// At most `limit` users whose login starts with `prefix`, by login.
    public func users(loginPrefix prefix: String, limit: Int) async throws -> [User] {
        try await read { [logger] connection in
            try await connection.all(
                """
                SELECT \(unescaped: PostgresRows.userColumns) FROM users WHERE starts_with(login, \(prefix))
                ORDER BY login COLLATE "C" LIMIT \(Int64(limit))
                """, as: PostgresRows.UserRow.self, logger: logger
            ).map(PostgresRows.user)
        }
    }

    /// Every user, by login (never tokens).
    public func users() async throws -> [User] {
        try await read { [logger] connection in
            try await connection.all(
                "SELECT \(unescaped: PostgresRows.userColumns) FROM users ORDER BY login",
                as: PostgresRows.UserRow.self,
                logger: logger
            )
            .map(PostgresRows.user)
        }
    }

    public func raceSummaries(status: RaceStatus?, before: RaceListCursor?, limit: Int) async throws -> RaceListPage {
        try await read { [logger] connection in
            try await Self.listing(connection, status: status, before: before, limit: limit, logger: logger)
        }
    }

    /// A page of the race list, newest first (the SQLite listing's query, in PostgreSQL).
    static func listing(
        _ connection: PostgresConnection, status: RaceStatus?, before: RaceListCursor?, limit: Int, logger: Logger
    ) async throws -> RaceListPage {
        let rows = try await connection.all(
            """
            SELECT r.id, r.name, r.status, r.created_at, u.id, u.login, u.display_name, u.twitch_id, u.avatar_url,
                   (SELECT count(*) FROM participants p WHERE p.race_id = r.id),
                   (SELECT count(*) FROM casters c WHERE c.race_id = r.id AND c.present),
                   r.organizer_id, r.created_seq
            FROM races r LEFT JOIN users u ON u.id = r.organizer_id
            WHERE (\(status?.rawValue)::text IS NULL OR r.status = \(status?.rawValue)::text)
              AND (\(before?.createdAtMs)::int8 IS NULL OR (r.created_at, r.created_seq) < (\(before?.createdAtMs)::int8, \(before?.createdSeq)::int8))
            ORDER BY r.created_at DESC, r.created_seq DESC
            LIMIT \(Int64(limit) + 1)
            """,
            as: (UUID, String, String, Int64, UUID?, String?, String?, String?, String?, Int64, Int64, UUID, Int64)
                .self,
            logger: logger)
        let more = rows.count > limit
        let shown = more ? Array(rows.prefix(limit)) : rows
        let races = try shown.map { row in
            let (
                id, name, statusText, createdMs, userID, login, displayName, twitchID, avatarURL, participants, casters,
                organizerID, _
            ) = row
            guard let status = RaceStatus(rawValue: statusText) else {
                throw StoreRowError(table: "races", id: id, reason: "status '\(statusText)' is not one RaceSync knows")
            }
            let organizer =
                userID.map {
                    User(
                        id: $0, twitchUsername: login ?? "unknown", twitchDisplayName: displayName,
                        twitchUserID: twitchID, avatarURL: avatarURL)
                }
                ?? User(id: organizerID, twitchUsername: "unknown", twitchDisplayName: nil)
            return RaceSummary(
                id: id, name: name, status: status, organizer: organizer, participantCount: Int(participants),
                casterCount: Int(casters), createdAt: Timestamp.date(milliseconds: createdMs))
        }
        let next =
            more
            ? shown.last.map { row in
                let (_, _, _, createdMs, _, _, _, _, _, _, _, _, createdSeq) = row
                return RaceListCursor(createdAtMs: createdMs, createdSeq: createdSeq)
            } : nil
        return RaceListPage(races: races, next: next)
    }

    public func raceDetail(_ id: UUID) async throws -> RaceDetail? {
        try await read { [logger] connection in try await Self.detail(connection, id, logger: logger) }
    }

    static func detail(_ connection: PostgresConnection, _ id: UUID, logger: Logger) async throws -> RaceDetail? {
        let state = try await LoadedState.load(connection, races: [id], active: false, logger: logger)
        guard let race = state.races[id] else { return nil }
        return try RaceDetailView.build(state, race: race, casters: state.presentCasters(id))
    }

    public func racePage(_ id: UUID) async throws -> RacePageData? {
        try await read { [logger] connection in
            let state = try await LoadedState.load(connection, races: [id], active: false, logger: logger)
            return try PageViews.racePage(state, id: id, casters: state.presentCasters)
        }
    }

    public func frontPage() async throws -> FrontPageData {
        try await read { [logger] connection in
            var lists: [[RaceSummary]] = []
            for status in RaceStatus.allCases where status.isActive {
                lists.append(
                    try await Self.listing(
                        connection, status: status, before: nil, limit: FrontPageData.maxRaces, logger: logger
                    ).races)
            }
            let state = try await LoadedState.load(connection, races: [], active: true, logger: logger)
            return try PageViews.frontPage(state, newest: lists, casters: state.presentCasters)
        }
    }

    public func liveFeed(_ scope: FeedScope, baseURL: String) async throws -> LiveFeed? {
        try await read { [logger] connection in
            let state: LoadedState
            switch scope {
            case .all: state = try await LoadedState.load(connection, races: [], active: true, logger: logger)
            case .race(let id):
                state = try await LoadedState.load(connection, races: [id], active: false, logger: logger)
            }
            return try FeedSource.feed(state, scope: scope, baseURL: baseURL, casters: state.presentCasters)
        }
    }

    public func activeRaceIDs() async throws -> [UUID] {
        try await read { [logger] connection in
            try await connection.all(
                "SELECT r.id FROM races r WHERE \(unescaped: PostgresRows.raceIsActive)", as: UUID.self, logger: logger)
        }
    }

    public func logHead() async throws -> PullCursor {
        try await read { [storeID, logger] connection in
            PullCursor(storeID: storeID, seq: try await Self.head(connection, logger: logger))
        }
    }

    static func head(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await connection.all("SELECT seq FROM log_head WHERE id = 1", as: Int64.self, logger: logger).first ?? 0
    }
}
