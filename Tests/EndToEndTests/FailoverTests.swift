import Foundation
import PostgresTestSupport
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The database fails over (CONTRACT §10): two hubs on a primary with a synchronous standby,
/// four clients syncing through them and a long-poll and an event stream open on the second hub;
/// in the middle the primary is lost (`Loss`). The hubs find the new primary by themselves,
/// clients see `503` and retry, every acknowledged op is in the store, once, every replica
/// converges, and neither the long-poll nor the event stream misses a change.
@Suite(.serialized) struct FailoverTests {
    @Test(arguments: Loss.selected)
    func aPrimaryLostMidSyncFailsOverWithNothingAcknowledgedLost(loss: Loss) async throws {
        guard PostgresE2E.available(), let stage = try Stage.make(loss) else { return }
        let url = stage.url
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
            let login = try await Self.racecli(
                box, ["login", "--hub", hubs[index % 2].url, "--token-stdin", "--db", box.file("r\(index).sqlite")],
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
                    for (index, race) in races_.enumerated() {
                        // The second half waits for the loss, so that syncs run across it however
                        // fast the first half went (12 syncs before this gate, the loss after 8).
                        if index == races_.count / 2 {
                            while progress.killedAt.withLock({ $0 }) == nil {
                                try? await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        _ = await offThePool { try? box.run("racecli", ["cast-join", race, "--db", db]) }
                        for _ in 0..<300 {
                            let started = ContinuousClock.now
                            let sync = await offThePool { try? box.run("racecli", ["sync", "--db", db]) }
                            if sync?.status == 0 {
                                progress.successes.withLock { $0.append((started, .now)) }
                                break
                            }
                            progress.refusals.withLock { $0.append((started, sync?.stderr ?? "no run")) }
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                        progress.synced.add(1, ordering: .relaxed)
                    }
                }
            }
            // The primary is lost a third of the way in.
            group.addTask {
                while progress.synced.load(ordering: .relaxed) < 8 { try? await Task.sleep(for: .milliseconds(20)) }
                progress.killedAt.withLock { $0 = ContinuousClock.now }
                await offThePool { stage.losePrimary() }
                progress.writableAt.withLock { $0 = ContinuousClock.now }
            }
            // A long-poll on the second hub follows the log across it.
            group.addTask {
                let seen = await LongPoller(hub: hubs[1].url, token: org).follow(
                    until: { progress.synced.load(ordering: .relaxed) == tokens.count * races_.count },
                    expecting: tokens.count * races_.count)
                progress.longPolled.withLock { $0 = seen }
            }
        }

        // What clients saw: from the loss to the end of the first sync started after the last
        // refused one started (a request already waiting on the lost server is refused late).
        let killed = try #require(progress.killedAt.withLock { $0 })
        let seen = progress.refusals.withLock { $0 }
        let lastRefusal = max(seen.map(\.started).max() ?? killed, killed)
        let back = try #require(
            progress.successes.withLock { $0 }.filter { $0.started > lastRefusal }.map(\.ended).min(),
            "no sync succeeded after the failover"
        )
        let writable = try #require(progress.writableAt.withLock { $0 })
        print(
            "failover (\(loss)): primary lost → a server takes writes: \(writable - killed), → service again: "
                + "\(back - killed), \(seen.count) syncs refused")
        let unexpected = seen.map(\.stderr).filter { !$0.contains("answered 503") }
        #expect(unexpected.isEmpty, "\(unexpected.prefix(3)) \(stage.state())")
        if !unexpected.isEmpty {
            for hub in hubs {
                print(
                    hub.daemon.log.split(separator: "\n").filter { $0.contains("error") || $0.contains(" 500 ") }
                        .joined(separator: "\n"))
            }
        }
        // Every acknowledged join is in the store, each caster once, on both hubs (each asked
        // until its store is back, if the loss still has it reconnecting).
        for hub in hubs {
            for race in races {
                let detail = try await HTTP.sendWhileUnavailable("GET", hub.url + "/api/races/\(race)").object
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
            #expect(try await Self.racecli(box, ["sync", "--db", db]).status == 0)
            let races = try box.run("racecli", ["races", "--json", "--db", db])
            let listed = (try? JSONSerialization.jsonObject(with: Data(races.stdout.utf8))) as? [[String: Any]] ?? []
            #expect(
                listed.count == 6 && listed.allSatisfy { ($0["caster_count"] as? Int) == 4 },
                "\(races.stdout.prefix(300))")
        }
        // The long-poll saw every caster, through 503s and no other error.
        let polled = progress.longPolled.withLock { $0 }
        #expect(polled.casters == tokens.count * races.count, "long-poll saw \(polled.casters) casters")
        #expect(polled.failures.allSatisfy { $0 == 503 }, "long-poll answers: \(polled.failures.prefix(5))")
        if loss.movesTheStore {
            #expect(
                hubs[0].daemon.log.contains("store moved to another server")
                    || hubs[1].daemon.log.contains("store moved to another server"))
        }
        for hub in hubs { #expect(hub.daemon.stop() == 0) }
    }

    /// A racecli command outside the loss, repeated while it exits 3 (the hub answered 503: a hub
    /// just started, or one whose store is still reconnecting on a loaded machine), as a node
    /// retries; for up to a minute.
    static func racecli(_ box: Sandbox, _ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        var attempts = 0
        while true {
            // Off the cooperative threads: the command blocks while it runs.
            let result = try await offThePool { Result { try box.run("racecli", arguments, stdin: stdin) } }.get()
            attempts += 1
            if result.status != 3 || attempts == 120 { return result }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// What the clients and the killer share.
    final class Progress: Sendable {
        let synced = Atomic<Int>(0)
        let killedAt = Mutex<ContinuousClock.Instant?>(nil)
        let writableAt = Mutex<ContinuousClock.Instant?>(nil)
        /// When each sync that succeeded started and ended.
        let successes = Mutex<[(started: ContinuousClock.Instant, ended: ContinuousClock.Instant)]>([])
        /// When each refused sync started, and what it printed.
        let refusals = Mutex<[(started: ContinuousClock.Instant, stderr: String)]>([])
        let longPolled = Mutex(LongPoller.Seen())
    }
}
