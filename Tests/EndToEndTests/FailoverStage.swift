import Foundation
import PostgresTestSupport
import Testing

/// How the failover tests lose the primary.
enum Loss: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Two plain servers (`scripts/pg-test-cluster --ha` and a streaming standby): `kill -9` of
    /// the primary's postmaster, the standby promoted by hand a second later. Measures the hubs'
    /// own part: how fast they follow a promotion.
    case primaryKilledPromotedByHand
    /// pg_auto_failover: the primary's whole data node (keeper and PostgreSQL) killed with
    /// `kill -9`, a lost machine; the monitor promotes the standby.
    case wholeNodeLost
    /// pg_auto_failover: `kill -9` of the primary's postmaster only; its keeper restarts it (the
    /// store may stay where it was).
    case postgresKilled
    /// pg_auto_failover: a planned switchover (`pg_autoctl perform switchover`).
    case switchover

    var testDescription: String { rawValue }

    /// Every loss, or only those named in `RACESYNC_FAILOVER_LOSSES` (comma-separated, for
    /// measuring one kind of failover many times).
    static var selected: [Loss] {
        let named = ProcessInfo.processInfo.environment["RACESYNC_FAILOVER_LOSSES"]?.split(separator: ",") ?? []
        return named.isEmpty ? allCases : named.compactMap { Loss(rawValue: String($0)) }
    }

    /// Whether the primary ends up on the other server.
    var movesTheStore: Bool { self != .postgresKilled }
}

/// The database of one failover run: its URL and how its primary is lost. The closures hold
/// the clusters, which are stopped and removed when the last copy goes.
struct Stage: Sendable {
    var url: String
    /// Loses the primary and returns once a server takes writes again (blocking).
    var losePrimary: @Sendable () -> Void
    /// The cluster's state, for failure messages.
    var state: @Sendable () -> String

    /// The database for `loss`, or nil when the test is skipped (pg_auto_failover missing and not
    /// required).
    static func make(_ loss: Loss) throws -> Stage? {
        if loss == .primaryKilledPromotedByHand {
            let primary = try PrivateCluster(listening: .ha)
            let standby = try PrivateCluster(standbyOf: primary)
            let (p1, p2) = (try #require(primary.port), try #require(standby.port))
            let user = try #require(primary.url.split(separator: "//").last?.split(separator: "@").first)
            return Stage(
                url: "postgresql://\(user)@localhost:\(p1),localhost:\(p2)/postgres?target_session_attrs=read-write",
                losePrimary: {
                    primary.crash()
                    Thread.sleep(forTimeInterval: 1)
                    try? standby.promote()
                },
                state: { "" })
        }
        if let missing = AutoFailoverCluster.missing {
            if PostgresTestServer.isRequired {
                Issue.record("RACESYNC_REQUIRE_POSTGRES is set but there is \(missing)")
            } else {
                print("note: pg_auto_failover test skipped: \(missing)")
            }
            return nil
        }
        let cluster = try AutoFailoverCluster()
        return Stage(
            url: cluster.url,
            losePrimary: {
                let primary = (try? cluster.primary()) ?? "node1"
                switch loss {
                case .wholeNodeLost: cluster.killNode(primary)
                case .postgresKilled: cluster.killPostgres(primary)
                default: try? cluster.switchover()
                }
                try? cluster.waitUntilWritable()
            },
            state: { cluster.state() })
    }
}

/// A client long-polling a hub's log (`GET /api/sync/pull?wait=`), as a node does, through
/// whatever the hub answers meanwhile.
struct LongPoller: Sendable {
    var hub: String
    var token: String

    /// What it saw: how many caster registers are present, and every answer that was not `200`.
    struct Seen: Sendable {
        var casters = 0
        var failures: [Int] = []
    }

    /// Pulls with `wait=5` from the start until `done()` and `expecting` casters are present (or
    /// 60 s after `done()`); a refused pull is retried after 100 ms.
    func follow(until done: @escaping @Sendable () -> Bool, expecting: Int) async -> Seen {
        var seen = Seen()
        var present: [String: Bool] = [:]
        var cursor: String?
        var doneAt: ContinuousClock.Instant?
        while doneAt.map({ ContinuousClock.now - $0 < .seconds(60) }) ?? true {
            if doneAt == nil, done() { doneAt = .now }
            if doneAt != nil, present.values.filter({ $0 }).count >= expecting { break }
            let since = cursor.map { "&since=\($0)" } ?? ""
            let reply = try? await HTTP.send("GET", hub + "/api/sync/pull?wait=5&limit=5000" + since, token: token)
            guard let reply, reply.status == 200 else {
                seen.failures.append(reply?.status ?? 0)
                try? await Task.sleep(for: .milliseconds(100))
                continue
            }
            if reply.object["reset"] as? Bool == true { present = [:] }
            for change in reply.object["changes"] as? [[String: Any]] ?? [] where change["kind"] as? String == "caster"
            {
                if let key = change["key"] as? String, let data = change["data"] as? [String: Any] {
                    present[key] = data["present"] as? Bool ?? false
                }
            }
            cursor = reply.object["cursor"] as? String ?? cursor
        }
        seen.casters = present.values.filter { $0 }.count
        return seen
    }
}
