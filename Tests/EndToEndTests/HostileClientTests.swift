import Foundation
import RaceService
import SyncCore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real hub process against what a hostile (or merely broken) client sends: odd header
/// values, half-sent requests, piles of long-polls. The hub must stay up, answer `< 500`,
/// and keep serving everyone else (CONTRACT §6).
@Suite struct HostileClientTests {
    /// A hub with a few users and one race.
    final class World: @unchecked Sendable {
        let box = Sandbox()
        let hub: HubProcess
        var tokens: [String: String] = [:]
        let race: String

        init(users: [String] = ["org", "alice", "bob", "carol"], hubArgs: [String] = []) async throws {
            for login in users {
                tokens[login] = try box.run("syncd", ["user", "add", login, "--db", box.file("hub.sqlite")]).lastLine
            }
            hub = try HubProcess(in: box, extra: hubArgs)
            let created = try await HTTP.send(
                "POST", hub.url + "/api/races", token: tokens["org"], json: ["name": "Any% Glitchless"])
            race = created.object["id"] as! String
        }

        var healthy: Bool {
            RawHTTP.exchange(port: hub.port, RawHTTP.request("GET", "/healthz"), timeout: 5).status == 200
        }
    }

    static let oddHeaders: [(String, [UInt8])] = [
        ("huge year", Array("If-Modified-Since: Thu, 01 Mar 999999999999 00:00:00 GMT".utf8)),
        ("negative fields", Array("If-Modified-Since: Thu, -1 Mar -2026 -1:-1:-1 GMT".utf8)),
        ("huge day", Array("If-Modified-Since: Thu, 99999999999999999999 Mar 2026 00:00:00 GMT".utf8)),
        ("RFC 850", Array("If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT".utf8)),
        ("asctime", Array("If-Modified-Since: Sun Nov  6 08:49:37 1994".utf8)),
        (
            "giant If-None-Match",
            Array("If-None-Match: ".utf8) + Array(repeating: UInt8(ascii: "\""), count: 1)
                + Array(repeating: UInt8(ascii: "a"), count: 60_000) + [UInt8(ascii: "\"")]
        ),
        ("many etags", Array(("If-None-Match: " + (0..<3000).map { "\"\($0)\"" }.joined(separator: ", ")).utf8)),
        ("garbage Authorization", Array("Authorization: Bearer ☃☃☃ \u{7F} -- ".utf8)),
        ("bearer without token", Array("Authorization: Bearer".utf8)),
        ("long token", Array(("Authorization: Bearer " + String(repeating: "A", count: 5000)).utf8)),
        ("not UTF-8", Array("Authorization: Bearer ".utf8) + [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80]),
        ("not UTF-8 date", Array("If-Modified-Since: ".utf8) + [0xFF, 0xFE, 0x00]),
        ("huge content length", Array("Content-Length: 99999999999999999999999".utf8)),
    ]

    @Test func oddHeaderValuesOnEveryGetRouteNeverGive5xx() async throws {
        let w = try await World()
        let routes = [
            "/healthz", "/api/me", "/api/races", "/api/races/\(w.race)", "/api/races?limit=0", "/feeds/live.atom",
            "/feeds/live.rss",
            "/feeds/races/\(w.race)/live.atom", "/feeds/races/\(w.race)/live.rss", "/metrics", "/openapi.yaml",
            "/", "/races/\(w.race)", "/static/racesync.css",
            "/api/sync/pull", "/api/sync/pull?since=\(String(repeating: "f", count: 64)).99999999999999999999",
        ]
        for route in routes {
            for (name, header) in Self.oddHeaders {
                let reply = RawHTTP.exchange(
                    port: w.hub.port, RawHTTP.request("GET", route, headers: [header]), timeout: 10)
                #expect(
                    reply.status == 0 || (200..<500).contains(reply.status), "\(route) with \(name): \(reply.status)")
            }
        }
        // An invalid If-Modified-Since is ignored: a full 200 with the feed.
        let feed = RawHTTP.exchange(
            port: w.hub.port, RawHTTP.request("GET", "/feeds/live.atom", headers: [Self.oddHeaders[0].1]))
        #expect(feed.status == 200)
        #expect(w.healthy, "the hub must still serve")
        #expect(w.hub.daemon.process.isRunning)
    }

    @Test func aFeedIsNeverDatedAfterItsOwnResponse() async throws {
        let w = try await World()
        for i in 0..<5 {
            // A change renders new bytes; the very next GET carries the new Last-Modified.
            #expect(
                try await HTTP.send("POST", w.hub.url + "/api/races", token: w.tokens["org"], json: ["name": "r\(i)"])
                    .status == 201)
            _ = try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-join", token: w.tokens["alice"])
            let reply = RawHTTP.exchange(port: w.hub.port, RawHTTP.request("GET", "/feeds/races/\(w.race)/live.atom"))
            let head = String(decoding: reply.bytes.prefix(2048), as: UTF8.self)
            func header(_ name: String) -> Date? {
                head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                    .flatMap {
                        Timestamp.parseHTTPDate(
                            String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces))
                    }
            }
            let date = try #require(header("Date"))
            let lastModified = try #require(header("Last-Modified"))
            #expect(lastModified <= date, "Last-Modified \(lastModified) is after Date \(date)")
            _ = try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-leave", token: w.tokens["alice"])
        }
    }

    @Test func halfSentRequestsAreClosedAndDoNotSlowAnyoneDown() async throws {
        let w = try await World()
        // 200 connections that send part of a head and then nothing (slowloris), from five
        // addresses (one address alone holds at most 64: PerClientLimitTests).
        let slow = (0..<200).map { RawHTTP.connect(port: w.hub.port, from: "127.0.2.\($0 % 5 + 1)") }
        defer { slow.forEach { close($0) } }
        #expect(slow.allSatisfy { $0 >= 0 })
        // Half of them first ask for a cached feed, answered before HTTP decoding (the feed fast
        // path): the half-sent head that follows must be timed all the same.
        #expect(RawHTTP.exchange(port: w.hub.port, RawHTTP.request("GET", "/feeds/live.atom")).status == 200)
        let feed = Array("GET /feeds/live.atom HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        for (index, fd) in slow.enumerated() {
            RawHTTP.send(fd, (index % 2 == 0 ? feed : []) + Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8))
        }
        // Everyone else is served meanwhile.
        for _ in 0..<20 {
            let started = Date()
            #expect(w.healthy)
            #expect(Date().timeIntervalSince(started) < 5)
        }
        // Within the 30 s head timeout (plus slack) every half-sent connection is closed.
        let closed = await offThePool { RawHTTP.readUntilClosed(slow, timeout: 45) }
        #expect(
            closed.allSatisfy { $0.closedAfter != nil }, "\(closed.filter { $0.closedAfter == nil }.count) still open")
        #expect(closed.allSatisfy { ($0.closedAfter ?? 99) >= 20 }, "closed too early: a slow client gets its 30 s")
        #expect(w.healthy)
    }

    @Test func threeHundredConcurrentLongPollsAreAllAnsweredInTime() async throws {
        let users = (0..<10).map { "waiter\($0)" }
        let w = try await World(users: ["org"] + users)
        let wait = 3
        let started = Date()
        let sockets = (0..<300).map { index -> Int32 in
            // Ten users on ten addresses (an address holds at most 64 connections and 8 waiting pulls;
            // the pulls past those are answered at once).
            let fd = RawHTTP.connect(port: w.hub.port, from: "127.0.3.\(index % users.count + 1)")
            let token = w.tokens[users[index % users.count]]!
            RawHTTP.send(
                fd,
                RawHTTP.request(
                    "GET", "/api/sync/pull?since=\(Self.endCursor(w))&wait=\(wait)",
                    headers: [Array("Authorization: Bearer \(token)".utf8)]))
            return fd
        }
        defer { sockets.forEach { close($0) } }
        let replies = await offThePool { RawHTTP.readUntilClosed(sockets, timeout: Double(wait) + 20) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(
            replies.allSatisfy { RawHTTP.status($0.bytes) == 200 },
            "statuses: \(Set(replies.map { RawHTTP.status($0.bytes) }))")
        #expect(
            replies.allSatisfy { ($0.closedAfter ?? 999) <= Double(wait) + 5 },
            "every waiter within wait + 5 s (took \(elapsed) s)")
        #expect(w.healthy)
    }

    /// The cursor at the end of the log, so a pull from it has nothing and would wait.
    static func endCursor(_ w: World) -> String {
        let reply = RawHTTP.exchange(
            port: w.hub.port,
            RawHTTP.request(
                "GET", "/api/sync/pull?limit=5000", headers: [Array("Authorization: Bearer \(w.tokens["org"]!)".utf8)]))
        let body = String(decoding: reply.bytes, as: UTF8.self)
        guard let range = body.range(of: "\"cursor\":\""), let end = body[range.upperBound...].firstIndex(of: "\"")
        else { return "" }
        return String(body[range.upperBound..<end])
    }
}
