import Foundation
import HTTPTypes
import HummingbirdTesting
import RaceService
import TestSupport
import Testing

@testable import HubHTTP
@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

@Suite struct SnapshotRouteTests {
    @Test func aSnapshotIsTheReplicatedStateAtACursorAndNothingElse() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            #expect(try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice").status == 200)
            #expect(try await c.call(.get, "/api/sync/snapshot").status == 401)
            var headers: HTTPFields = [.authorization: "Bearer \(c.tokens["bob"]!)"]
            let (status, bytes, cursor, etag) = try await c.client.execute(
                uri: "/api/sync/snapshot", method: .get, headers: headers
            ) { response in
                (
                    response.status.code, Data(buffer: response.body),
                    response.headers[HTTPField.Name("X-RaceSync-Cursor")!], response.headers[.eTag]
                )
            }
            #expect(status == 200)
            #expect(bytes.prefix(16) == Data("SQLite format 3\u{0}".utf8))
            // The cursor is the log's end: a pull from it has nothing.
            let pulled = try await c.call(.get, "/api/sync/pull?since=\(cursor ?? "")", as: "bob")
            #expect(pulled.status == 200 && (pulled.object["changes"] as? [Any])?.isEmpty == true)
            #expect(etag == "\"\(cursor ?? "")\"")
            headers[.ifNoneMatch] = etag
            let again = try await c.client.execute(uri: "/api/sync/snapshot", method: .get, headers: headers) {
                $0.status.code
            }
            #expect(again == 304)
            // A replica installs it: the same race, the same caster, and no hub-only table.
            let dir = TempDir()
            defer { dir.cleanup() }
            let file = dir.file("snapshot.sqlite")
            try bytes.write(to: URL(fileURLWithPath: file))
            let replica = try ReplicaStore(path: dir.file("replica.sqlite"))
            defer { try? replica.close() }
            let bob = User(id: hub.ids["bob"]!, twitchUsername: "bob", twitchDisplayName: "Bob")
            try replica.login(
                ReplicaSession(hub: "http://hub.test", token: c.tokens["bob"]!, user: bob), snapshotFile: file)
            #expect(try replica.detail(UUID(uuidString: race)!)?.casters.map(\.user.twitchUsername) == ["alice"])
            #expect(try replica.cursor() == cursor)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(
                !text.contains("CREATE TABLE tokens") && !text.contains("CREATE TABLE log_events")
                    && !text.contains("log_head") && !text.contains("applied_ops"))
        }
    }
}

extension SnapshotRouteTests {
    /// Commits between requests do not make the hub build a snapshot each time: within the
    /// interval the last one is served, and the node pulls what came after its cursor.
    @Test func snapshotsAreBuiltAtMostOncePerInterval() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            let headers: HTTPFields = [.authorization: "Bearer \(c.tokens["bob"]!)"]
            func cursor() async throws -> String? {
                try await c.client.execute(uri: "/api/sync/snapshot", method: .get, headers: headers) {
                    $0.headers[HTTPField.Name("X-RaceSync-Cursor")!]
                }
            }
            let first = try await cursor()
            #expect(try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice").status == 200)
            #expect(try await cursor() == first)
            let tail = try await c.call(.get, "/api/sync/pull?since=\(first ?? "")", as: "bob")
            #expect((tail.object["changes"] as? [Any])?.isEmpty == false)
        }
    }
}
