import Foundation
import HTTPTypes
import Synchronization
import TestSupport
import Testing

@testable import HubHTTP
@testable import SyncCore

/// Cached feed requests answered before the router (`FeedFastPath`), on a live server.
@Suite struct FeedFastPathTests {
    /// The requests a feed reader makes, for one format.
    static func variants(_ format: String, etag: String?) -> [(HTTPRequest.Method, HTTPFields)] {
        var gzip = HTTPFields()
        gzip[.acceptEncoding] = "gzip"
        var conditional = HTTPFields()
        conditional[.ifNoneMatch] = etag ?? "\"none\""
        return [(.get, [:]), (.get, gzip), (.head, [:]), (.head, gzip), (.get, conditional)]
    }

    static func early(_ hub: HubHarness) -> Int {
        let line = hub.metrics.render().split(separator: "\n").first {
            $0.hasPrefix("racesync_feed_fast_answers_total ")
        }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// A response as compared: status, headers but `Date`, body.
    struct Answer: Equatable {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    static func answers(_ client: HubHarness.Client) async throws -> [String: Answer] {
        var all: [String: Answer] = [:]
        for format in ["atom", "rss", "json"] {
            let etag = try await client.call(.get, "/feeds/live.\(format)").headers[.eTag]
            for (index, (method, headers)) in variants(format, etag: etag).enumerated() {
                let response = try await client.client.execute(
                    uri: "/feeds/live.\(format)", method: method, headers: headers
                ) { $0 }
                var fields: [String: String] = [:]
                for field in response.headers where field.name != .date {
                    fields[field.name.canonicalName] = field.value
                }
                all["\(format) \(index)"] = Answer(
                    status: Int(response.status.code), headers: fields, body: Data(response.body.readableBytesView))
            }
        }
        return all
    }

    /// Live casters enough for the site-wide feeds to pass `FeedWire.fileThreshold` (the large
    /// bodies the fast path sends from a file).
    static func makeLarge(_ hub: HubHarness) async throws {
        let org = try #require(hub.ids["org"])
        let race = try await hub.storage.createRace(name: "Any% <Glitchless> & more", organizer: org)
        var seen: [UUID: LiveStream] = [:]
        for i in 0..<100 {
            let user = try await hub.storage.addUser(login: "caster\(i)", displayName: "Caster \(i)").user
            _ = try await hub.storage.addCaster(race: race.id, caller: org, login: user.twitchUsername)
            seen[user.id] = LiveStream(
                streamID: "\(1000 + i)", title: "Casting & chatting <live> \(i)", startedAt: Date(), observedAt: Date())
        }
        try await hub.storage.recordPoll(seen: seen, at: Date())
    }

    @Test func aCachedFeedIsAnsweredEarlyExactlyAsTheRouterAnswersIt() async throws {
        let hub = try await HubHarness()
        try await Self.makeLarge(hub)
        let byRouter = Mutex<[String: Answer]>([:])
        try await hub.run(live: true, earlyFeeds: false) { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let answers = try await Self.answers(c)
            byRouter.withLock { $0 = answers }
        }
        #expect(Self.early(hub) == 0)
        try await hub.run(live: true) { c in
            let early = try await Self.answers(c)
            #expect(early == byRouter.withLock { $0 })
            // The plain GETs of the large feeds went out from their files.
            #expect(early["atom 0"].map { $0.body.count >= FeedWire.fileThreshold } == true)
            #expect(early["atom 1"]?.headers["content-encoding"] == "gzip")
            #expect(early["atom 4"]?.status == 304)
            #expect(early["rss 2"]?.body.isEmpty == true && early["rss 2"]?.headers["content-length"] != nil)
        }
        // Every request of the live run, the three plain GETs included: the feeds were cached.
        #expect(Self.early(hub) == 3 * 6)
    }

    /// `request` on a connection of its own, then a `/healthz` that closes it; what came back.
    static func alone(_ request: String, port: Int) async throws -> String {
        let bytes = Data((request + "GET /healthz HTTP/1.1\r\nHost: hub.test\r\nConnection: close\r\n\r\n").utf8)
        return try await offThePool { Result { try Self.exchange(port: port, bytes) } }.get()
    }

    @Test func aChangedStoreIsRenderedAgainAndAnotherRequestGoesToTheRouter() async throws {
        let hub = try await HubHarness()
        try await hub.run(live: true) { c in
            let port = try #require(c.client.port)
            func get(_ path: String) async throws -> String {
                try await Self.alone("GET \(path) HTTP/1.1\r\nHost: hub.test\r\n\r\n", port: port)
            }
            let race = try await c.race()
            let first = try await get("/feeds/live.atom")
            #expect(first.hasPrefix("HTTP/1.1 200 OK"))
            #expect(Self.early(hub) == 1)
            // A write moves the store on: the next GET renders the feed again, then answers.
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            try await hub.storage.recordPoll(
                seen: [
                    try #require(hub.ids["alice"]): LiveStream(
                        streamID: "1", title: "Alice casts", startedAt: Date(), observedAt: Date())
                ], at: Date())
            let second = try await get("/feeds/live.atom")
            #expect(second.hasPrefix("HTTP/1.1 200 OK") && second.contains("Alice casts") && !first.contains("Alice"))
            #expect(Self.early(hub) == 2)
            // A query string, another path, a race's feed: the router's.
            _ = try await get("/feeds/live.atom?x=1")
            _ = try await get("/feeds/races/\(race)/live.atom")
            _ = try await get("/feeds/races/\(race)/live.atom")
            #expect(try await get("/feeds/live.xml").hasPrefix("HTTP/1.1 404"))
            #expect(Self.early(hub) == 2)
            // A connection that asked for something else first is the router's from then on.
            #expect(try await c.call(.get, "/feeds/live.atom").status == 200)
            #expect(Self.early(hub) == 2)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let hub = try await HubHarness()
        try await hub.run(live: true) { c in
            _ = try await c.call(.get, "/feeds/live.atom")
            let port = try #require(c.client.port)
            // Behind a request the router is still answering, the feed is the router's too; in
            // front of one, it is answered here and the router's answers follow it.
            let feed = "GET /feeds/live.atom HTTP/1.1\r\nHost: hub.test\r\n\r\n"
            let health = "GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n"
            let before = Self.early(hub)
            for (request, early) in [(health + feed, 0), (feed + feed + health + feed, 2)] {
                let text = try await Self.alone(request, port: port)
                let order = text.components(separatedBy: "HTTP/1.1 200 OK").dropFirst().map {
                    $0.contains("<feed") ? "feed" : $0.contains(#"{"status":"ok"}"#) ? "ok" : "?"
                }
                let asked = request.components(separatedBy: "GET ").dropFirst().map {
                    $0.hasPrefix("/feeds") ? "feed" : "ok"
                }
                #expect(order == asked + ["ok"], "\(text)")
                #expect(Self.early(hub) == before + early)
            }
        }
    }

    /// Writes `bytes` on a new connection and reads until the server closes it.
    static func exchange(port: Int, _ bytes: Data) throws -> String {
        let connection = try LoopbackConnection(port: port)
        connection.send(bytes)
        return connection.read()
    }
}
