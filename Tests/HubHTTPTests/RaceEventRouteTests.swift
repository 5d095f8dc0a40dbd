import Foundation
import HTTPTypes
import RaceWeb
import SyncCore
import Testing

@testable import HubHTTP

/// `GET /api/races/{id}/events` (CONTRACT §9): `race_state` messages with the REST detail, first at
/// once and then on every change, resumable, 404/422 before any stream, no token.
@Suite struct RaceEventRouteTests {
    /// The `race_state` messages in a stream's text.
    static func states(_ text: String) -> [[String: Any]] {
        text.components(separatedBy: "\n\n").compactMap { block in
            guard block.contains("event: race_state"),
                let line = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") })
            else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
        }
    }

    @Test func aStreamSendsTheRaceStateAtOnceAndOnEveryChange() async throws {
        let hub = try await HubHarness()
        var events = PageEvents(recheck: .milliseconds(100), slots: StreamSlots(limit: 8))
        events.lifetime = .milliseconds(3000)
        try await hub.run(pageEvents: events) { c in
            let race = try await c.race()
            async let stream = c.client.execute(uri: "/api/races/\(race)/events", method: .get) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
            try await Task.sleep(for: .milliseconds(1000))  // the first state is out long before
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let (status, type, text) = try await stream
            #expect(status == .ok && type == "text/event-stream; charset=utf-8")
            let states = Self.states(text)
            #expect(states.count == 2)
            #expect(states.allSatisfy { $0["type"] as? String == "race_state" && $0["cursor"] is String })
            let first = states.first?["race"] as? [String: Any]
            let last = states.last?["race"] as? [String: Any]
            #expect(first?["id"] as? String == race && (first?["casters"] as? [Any])?.isEmpty == true)
            let casters = last?["casters"] as? [[String: Any]]
            #expect((casters?.first?["user"] as? [String: Any])?["twitch_username"] as? String == "alice")
            #expect(casters?.first?["is_live"] as? Bool == false)

            // Resumed at the last cursor: nothing until the next change.
            let cursor = try #require(states.last?["cursor"] as? String)
            let resumed = try await c.client.execute(
                uri: "/api/races/\(race)/events", method: .get, headers: [HTTPField.Name("Last-Event-ID")!: cursor]
            ) { String(buffer: $0.body) }
            #expect(Self.states(resumed).isEmpty)
            #expect(try await c.call(.get, "/api/races/\(UUID().uuidString)/events").status == 404)
            #expect(try await c.call(.get, "/api/races/nope/events").status == 422)
        }
    }
}

/// `GET /races/{id}/overlay` (CONTRACT §9): who is live now, in large type on a transparent page.
@Suite struct OverlayRouteTests {
    @Test func theOverlayListsWhoIsLiveForTheChosenList() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "bob"])
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let at = Date()
            try await hub.storage.recordPoll(
                seen: [
                    hub.ids["alice"]!: LiveStream(streamID: "1", title: "t", startedAt: at, observedAt: at),
                    hub.ids["bob"]!: LiveStream(streamID: "2", title: "t", startedAt: at, observedAt: at),
                ], at: at)
            let all = try await c.call(.get, "/races/\(race)/overlay")
            #expect(all.status == 200 && all.text.contains(#"<html lang="en" class="overlay text-light">"#))
            #expect(all.text.contains("<li>Bob</li>") && all.text.contains("<li>Alice</li>"))
            #expect(all.text.contains(#"data-events="/api/races/\#(race)/events""#))
            let casters = try await c.call(.get, "/races/\(race)/overlay?show=casters&text=dark")
            #expect(casters.text.contains("<li>Alice</li>") && !casters.text.contains("<li>Bob</li>"))
            #expect(casters.text.contains("text-dark"))
            #expect(try await c.call(.get, "/races/\(race)/overlay?show=everyone").status == 422)
            #expect(try await c.call(.get, "/races/\(UUID().uuidString)/overlay").status == 404)
            // The race page links to it.
            #expect(try await c.call(.get, "/races/\(race)").text.contains(#"href="/races/\#(race)/overlay""#))
        }
    }
}
