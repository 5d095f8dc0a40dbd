import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import HubHTTP
@testable import RaceWeb
@testable import SyncCore

/// The hub's pages, stylesheet, script and event streams through the real router.
@Suite struct WebRoutesTests {
    @Test func pagesAreHTMLWithTheirSecurityHeaders() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race("Any% <b>")
            try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let front = try await c.call(.get, "/")
            #expect(front.status == 200)
            #expect(front.headers[.contentType] == "text/html; charset=utf-8")
            #expect(front.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(front.text.contains("Any% &lt;b&gt;") && front.text.contains("/races/\(race)"))
            let page = try await c.call(.get, "/races/\(race)")
            #expect(page.status == 200 && page.text.contains(">Alice</a>"))
            #expect(page.text.contains("data-events=\"/races/\(race)/events?since="))
            let unknown = try await c.call(.get, "/races/\(UUID().uuidString)")
            #expect(unknown.status == 404 && unknown.text.contains("Race not found"))
            let malformed = try await c.call(.get, "/races/not-a-uuid")
            #expect(malformed.status == 422 && malformed.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await c.call(.get, "/races/\(UUID().uuidString)/events").status == 404)
        }
    }

    @Test func theStylesheetAndScriptAreServedWithAnETag() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            for (path, type) in [
                ("/static/racesync.css", "text/css; charset=utf-8"),
                ("/static/racesync.js", "text/javascript; charset=utf-8"),
            ] {
                let first = try await c.call(.get, path)
                #expect(first.status == 200 && first.headers[.contentType] == type && !first.text.isEmpty)
                let etag = try #require(first.headers[.eTag])
                let again = try await c.client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag]) {
                    $0.status.code
                }
                #expect(again == 304)
            }
        }
    }

    @Test func anEventStreamSendsTheStateOnlyWhenItMovedPastTheResumePoint() async throws {
        let hub = try await HubHarness()
        var events = PageEvents(recheck: .milliseconds(100), slots: StreamSlots(limit: 8))
        events.lifetime = .milliseconds(400)
        try await hub.run(pageEvents: events) { c in
            let race = try await c.race()
            let head = try hub.store.logHead().text
            // From an old position: the current state at once, with the head as its id.
            let fresh = try await c.client.execute(uri: "/races/\(race)/events?since=old.1", method: .get) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            #expect(fresh.0 == "text/event-stream; charset=utf-8")
            #expect(fresh.1.hasPrefix("retry: 2000\n\n"))
            #expect(fresh.1.contains("id: \(head)\nevent: page\ndata: {\"html\":"))
            // Resuming at the head: nothing to send.
            let resumed = try await c.client.execute(
                uri: "/races/\(race)/events", method: .get, headers: [HTTPField.Name("Last-Event-ID")!: head]
            ) { String(buffer: $0.body) }
            #expect(resumed == "retry: 2000\n\n")
        }
    }

    @Test func openStreamsAreCountedInTheMetrics() async throws {
        let hub = try await HubHarness()
        var events = PageEvents(recheck: .milliseconds(50), slots: StreamSlots(limit: 8))
        events.heartbeat = .milliseconds(100)
        events.lifetime = .seconds(60)
        try await hub.run(live: true, pageEvents: events) { c in
            let port = try #require(c.client.port)
            let race = try await c.race()
            /// Whether `/metrics` comes to say `open` streams (asked until it does; the guard
            /// turns a count that never comes into a failure, not a stuck suite).
            func metricsSay(_ open: Int) async throws -> Bool {
                for _ in 0..<1200 {
                    if try await c.call(.get, "/metrics").text.contains("racesync_page_streams_open \(open)") {
                        return true
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return false
            }
            #expect(try await metricsSay(0))
            var stream: LoopbackConnection? = try LoopbackConnection(port: port)
            stream?.send(Data("GET /races/\(race)/events HTTP/1.1\r\nHost: hub.test\r\n\r\n".utf8))
            #expect(try await metricsSay(1))
            // The client goes away: the stream's next heartbeat fails and it is no longer counted.
            stream = nil
            #expect(try await metricsSay(0))
        }
    }

    /// The lifetime is a timer: a stream whose store never changes (recheck a minute away)
    /// still ends when its lifetime is up, not at the next recheck.
    @Test func aQuietStreamEndsAtItsLifetime() async throws {
        let hub = try await HubHarness()
        var events = PageEvents(recheck: .seconds(60), slots: StreamSlots(limit: 8))
        events.heartbeat = .seconds(60)
        events.lifetime = .milliseconds(500)
        try await hub.run(pageEvents: events) { c in
            let race = try await c.race()
            let started = ContinuousClock.now
            let status = try await c.client.execute(uri: "/races/\(race)/events", method: .get) { $0.status }
            #expect(status == .ok)
            #expect(ContinuousClock.now - started < .seconds(30), "ended by its lifetime, not by the 60 s recheck")
        }
    }

    @Test func eventStreamsAreBounded() async throws {
        let hub = try await HubHarness()
        let slots = StreamSlots(limit: 0)
        try await hub.run(pageEvents: PageEvents(recheck: .seconds(1), slots: slots)) { c in
            let race = try await c.race()
            let full = try await c.call(.get, "/races/\(race)/events")
            #expect(full.status == 503 && full.headers[.retryAfter] == "30")
        }
    }
}
