import Foundation
import PostgresTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The database fails over (CONTRACT §10): two hubs on a primary with a synchronous standby,
/// four clients syncing through them; in the middle the primary's postmaster is killed with
/// `kill -9` (or, for a planned switchover, the primary shut down) and the standby promoted.
/// The hubs find the new primary by themselves, clients see `503` and retry, every acknowledged
/// op is in the store, once, every replica converges, and an event stream open across it misses
/// nothing.
@Suite(.serialized) struct FailoverTests {
    @Test(arguments: [false, true])
    func aPrimaryLostMidSyncFailsOverWithNothingAcknowledgedLost(planned: Bool) async throws {
        guard PostgresE2E.available() else { return }
        let primary = try PrivateCluster(listening: .ha)
        let standby = try PrivateCluster(standbyOf: primary)
        let (p1, p2) = (try #require(primary.port), try #require(standby.port))
        let user = try #require(primary.url.split(separator: "//").last?.split(separator: "@").first)
        let url = "postgresql://\(user)@localhost:\(p1),localhost:\(p2)/postgres?target_session_attrs=read-write"
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", url]).lastLine
        let logins = ["ann", "ben", "cat", "dan"]
        let tokens = try logins.map { try box.run("syncd", ["user", "add", $0, "--db", url]).lastLine }
        let hubs = try (0..<2).map { _ in try HubProcess(in: box, db: url, extra: HubProcess.unlimited) }
        var races: [String] = []
        for index in 0..<6 {
            let race = try await HTTP.send("POST", hubs[0].url + "/api/races", token: org, json: ["name": "R\(index)"])
            races.append(try #require(race.object["id"] as? String))
        }
        // Each client logs in through one of the hubs; its replica is its own file.
        for (index, token) in tokens.enumerated() {
            let login = try box.run(
                "racecli",
                ["login", "--hub", hubs[index % 2].url, "--token-stdin", "--db", box.file("r\(index).sqlite")],
                stdin: token + "\n")
            #expect(login.status == 0, "\(login.stderr)")
        }

        // A race's JSON event stream on the second hub, open across the failover: its changes
        // written through either hub must reach it (the listener follows the new primary).
        let watched = try #require(races.last)
        let stream = RawHTTP.connect(port: hubs[1].port)
        defer { close(stream) }
        #expect(RawHTTP.send(stream, RawHTTP.request("GET", "/api/races/\(watched)/events")))

        // Four clients join a race and sync, race after race; a sync that fails is retried.
        let progress = Progress()
        let races_ = races
        await withTaskGroup(of: Void.self) { group in
            for client in tokens.indices {
                group.addTask {
                    let db = box.file("r\(client).sqlite")
                    for race in races_ {
                        _ = await offThePool { try? box.run("racecli", ["cast-join", race, "--db", db]) }
                        for _ in 0..<300 {
                            let sync = await offThePool { try? box.run("racecli", ["sync", "--db", db]) }
                            if sync?.status == 0 {
                                let now = ContinuousClock.now
                                progress.firstSyncAfterKill.withLock { first in
                                    if first == nil, let killed = progress.killedAt.withLock({ $0 }), now > killed {
                                        first = now
                                    }
                                }
                                break
                            }
                            progress.refusals.withLock { $0.append(sync?.stderr ?? "no run") }
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                        progress.synced.add(1, ordering: .relaxed)
                    }
                }
            }
            // The primary dies a third of the way in; its standby is promoted a second later.
            group.addTask {
                while progress.synced.load(ordering: .relaxed) < 8 { try? await Task.sleep(for: .milliseconds(20)) }
                progress.killedAt.withLock { $0 = ContinuousClock.now }
                if planned { primary.stop() } else { primary.crash() }
                try? await Task.sleep(for: .seconds(1))
                try? standby.promote()
            }
        }

        let killed = try #require(progress.killedAt.withLock { $0 })
        let back = try #require(progress.firstSyncAfterKill.withLock { $0 }, "no sync succeeded after the failover")
        print(
            "failover: \(planned ? "shutdown" : "kill -9") of the primary → first successful sync: \(back - killed) (promotion after 1 s)"
        )
        let seen = progress.refusals.withLock { $0 }
        let unexpected = seen.filter { !$0.contains("answered 503") }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(3))")
        if !unexpected.isEmpty {
            for hub in hubs {
                print(
                    hub.daemon.log.split(separator: "\n").filter { $0.contains("error") || $0.contains(" 500 ") }
                        .joined(separator: "\n"))
            }
        }
        // Every acknowledged join is in the store, each caster once, on both hubs.
        for hub in hubs {
            for race in races {
                let detail = try await HTTP.send("GET", hub.url + "/api/races/\(race)").object
                let casters = (detail["casters"] as? [[String: Any]] ?? []).compactMap {
                    ($0["user"] as? [String: Any])?["twitch_username"] as? String
                }
                #expect(casters.sorted() == logins, "\(race) on \(hub.url): \(casters)")
            }
        }
        // The stream's newest state has all four: no change was missed across the failover. (A
        // stream the outage ended is resumed from its last event id, as an EventSource does.)
        var streamed = String(decoding: RawHTTP.readUntilClosed([stream], timeout: 2)[0].bytes, as: UTF8.self)
        let lastID = streamed.components(separatedBy: "\n").last { $0.hasPrefix("id: ") }.map {
            String($0.dropFirst(4))
        }
        let resumed = RawHTTP.connect(port: hubs[1].port)
        defer { close(resumed) }
        let resumeHeader = Array("Last-Event-ID: \(lastID ?? "")".utf8)
        #expect(RawHTTP.send(resumed, RawHTTP.request("GET", "/api/races/\(watched)/events", headers: [resumeHeader])))
        streamed += String(decoding: RawHTTP.readUntilClosed([resumed], timeout: 2)[0].bytes, as: UTF8.self)
        let lastState = streamed.components(separatedBy: "\n").last { $0.hasPrefix("data: {\"type\":\"race_state\"") }
        let state = lastState.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
        }
        #expect(((state?["race"] as? [String: Any])?["casters"] as? [Any])?.count == 4, "\(streamed.suffix(400))")
        // Every replica converges to the hub.
        for index in tokens.indices {
            let db = box.file("r\(index).sqlite")
            #expect(try box.run("racecli", ["sync", "--db", db]).status == 0)
            let races = try box.run("racecli", ["races", "--json", "--db", db])
            let listed = (try? JSONSerialization.jsonObject(with: Data(races.stdout.utf8))) as? [[String: Any]] ?? []
            #expect(
                listed.count == 6 && listed.allSatisfy { ($0["caster_count"] as? Int) == 4 },
                "\(races.stdout.prefix(300))")
        }
        #expect(
            hubs[0].daemon.log.contains("store moved to another server")
                || hubs[1].daemon.log.contains("store moved to another server"))
        for hub in hubs { #expect(hub.daemon.stop() == 0) }
        standby.stop()
    }

    /// What the clients and the killer share.
    final class Progress: Sendable {
        let synced = Atomic<Int>(0)
        let killedAt = Mutex<ContinuousClock.Instant?>(nil)
        let firstSyncAfterKill = Mutex<ContinuousClock.Instant?>(nil)
        let refusals = Mutex<[String]>([])
    }
}
