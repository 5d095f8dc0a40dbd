import Foundation
import HTTPTypes
import RaceWeb
import SyncCore
import Synchronization
import TestSupport
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

    /// A race's event stream on a connection of its own, read as it comes.
    final class Stream: Sendable {
        let connection: LoopbackConnection
        let text = Mutex("")

        init(port: Int, race: String, lastEventID: String? = nil) throws {
            connection = try LoopbackConnection(port: port, receiveTimeout: 60)
            let resume = lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? ""
            connection.send(Data("GET /api/races/\(race)/events HTTP/1.1\r\nHost: hub.test\r\n\(resume)\r\n".utf8))
        }

        /// What the stream has sent once it holds `count` race states (or ended, or stayed silent
        /// for a minute: a guard against a hang, not a clock the test waits on).
        func states(_ count: Int) async -> (head: String, states: [[String: Any]]) {
            let connection = connection
            let sofar = text.withLock { $0 }
            let more = await offThePool {
                connection.read { RaceEventRouteTests.states(sofar + $0).count >= count }
            }
            let all = text.withLock { text in
                text += more
                return text
            }
            return (all, RaceEventRouteTests.states(all))
        }
    }

    @Test func aStreamSendsTheRaceStateAtOnceAndOnEveryChange() async throws {
        let hub = try await HubHarness()
        var events = PageEvents(recheck: .milliseconds(100), slots: StreamSlots(limit: 8))
        events.lifetime = .seconds(30)
        try await hub.run(live: true, pageEvents: events) { c in
            let port = try #require(c.client.port)
            let race = try await c.race()
            let stream = try Stream(port: port, race: race)
            // The first state comes at once; the join is made only after it arrived.
            let (head, first) = await stream.states(1)
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.lowercased().contains("content-type: text/event-stream; charset=utf-8\r\n"))
            #expect(first.count == 1)
            let initial = first.first?["race"] as? [String: Any]
            #expect(initial?["id"] as? String == race && (initial?["casters"] as? [Any])?.isEmpty == true)
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let (_, states) = await stream.states(2)
            #expect(states.count == 2)
            #expect(states.allSatisfy { $0["type"] as? String == "race_state" && $0["cursor"] is String })
            let casters = (states.last?["race"] as? [String: Any])?["casters"] as? [[String: Any]]
            #expect((casters?.first?["user"] as? [String: Any])?["twitch_username"] as? String == "alice")
            #expect(casters?.first?["is_live"] as? Bool == false)

            // Resumed at the last cursor: nothing until the next change, so the first state it
            // sends is the one after the leave below, not the join it has already seen.
            let cursor = try #require(states.last?["cursor"] as? String)
            let resumed = try Stream(port: port, race: race, lastEventID: cursor)
            _ = try await c.call(.post, "/api/races/\(race)/cast-leave", as: "alice")
            let (_, after) = await resumed.states(1)
            let race1 = after.first?["race"] as? [String: Any]
            #expect(after.count == 1 && (race1?["casters"] as? [Any])?.isEmpty == true, "\(after)")
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
