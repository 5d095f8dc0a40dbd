import AsyncHTTPClient
import FakeHelix
import Foundation
import HubHTTP
import Hummingbird
import NIOCore
import NIOHTTP1
import SyncCore
import Synchronization

/// From a signed `stream.online` / `stream.offline` notification posted to a real `syncd hub`
/// to the LIVE badge appearing (or going) on an open race page's event stream, to the live
/// feed showing it, and to a WebSub subscriber receiving the race's new feed; next to what the
/// 60 s poll it replaces makes a viewer wait.
enum EventSubBench {
    static let secret = "bench-eventsub-secret"

    static func run(_ report: Report) async throws {
        let db = workDir + "/eventsub-hub.sqlite"
        func syncd(_ args: [String]) throws -> String { try Shell.run(ProcessBench.binDir + "/syncd", args) }
        let org = try syncd(["user", "add", "org", "--db", db]).split(separator: "\n").last.map(String.init) ?? ""
        _ = try syncd(["user", "add", "runner", "--db", db])
        let hub = try ProcessBench.Hub(
            db: db, env: ["RACESYNC_EVENTSUB_SECRET": secret], args: ["--websub-allow-private"])
        defer { hub.stop() }
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await measure(report, http: http, hub: hub.url, org: org)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    static func measure(_ report: Report, http: HTTPClient, hub: String, org: String) async throws {
        func call(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [])
            async throws -> (Int, String)
        {
            var request = HTTPClientRequest(url: hub + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(org)")
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await http.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 24)))
        }
        let created = try await call(.POST, "/api/races", body: #"{"name":"EventSub bench"}"#).1
        let race =
            ((try? JSONSerialization.jsonObject(with: Data(created.utf8))) as? [String: Any])?["id"] as? String ?? ""
        _ = try await call(.POST, "/api/races/\(race)/participants", body: #"{"twitch_username":"runner"}"#)

        // The open page's event stream, read chunk by chunk.
        var page = HTTPClientRequest(url: hub + "/races/\(race)/events")
        page.headers.add(name: "Accept", value: "text/event-stream")
        let stream = try await http.execute(page, timeout: .seconds(600))
        var chunks = stream.body.makeAsyncIterator()
        func waitForPage(live: Bool) async throws {
            while let chunk = try await chunks.next() {
                let text = String(buffer: chunk)
                guard text.contains("event: page") else { continue }
                if text.contains("badge live") == live { return }
            }
            throw NSError(domain: "bench", code: 2, userInfo: [NSLocalizedDescriptionKey: "the page stream ended"])
        }
        func notify(online: Bool, round: Int) async throws {
            let event =
                online
                ? #"{"id":"s\#(round)","broadcaster_user_id":"4242","broadcaster_user_login":"runner","broadcaster_user_name":"runner","type":"live","started_at":"\#(Timestamp.format(Date()))"}"#
                : #"{"broadcaster_user_id":"4242","broadcaster_user_login":"runner","broadcaster_user_name":"runner"}"#
            let body =
                #"{"subscription":{"id":"sub","type":"stream.\#(online ? "online" : "offline")","status":"enabled"},"event":\#(event)}"#
            let id = UUID().uuidString
            let timestamp = Timestamp.format(Date())
            let signature = EventSubSignature.expected(
                secret: try EventSubSecret(secret), messageID: id, timestamp: timestamp, body: Data(body.utf8))
            let (status, _) = try await call(
                .POST, "/twitch/eventsub", body: body,
                headers: [
                    ("Content-Type", "application/json"), ("Twitch-Eventsub-Message-Id", id),
                    ("Twitch-Eventsub-Message-Timestamp", timestamp), ("Twitch-Eventsub-Message-Signature", signature),
                    ("Twitch-Eventsub-Message-Type", "notification"),
                ])
            guard status == 204 else {
                throw NSError(
                    domain: "bench", code: 3, userInfo: [NSLocalizedDescriptionKey: "webhook answered \(status)"])
            }
        }

        // A WebSub subscriber to the race's JSON Feed, on loopback.
        let subscriber = try await Subscriber()
        defer { subscriber.stop() }
        let topic = hub + "/feeds/races/\(race)/live.json"
        let form =
            "hub.mode=subscribe&hub.topic=\(topic.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            + "&hub.callback=\(subscriber.callback.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        guard
            try await call(
                .POST, "/websub", body: form, headers: [("Content-Type", "application/x-www-form-urlencoded")]
            )
            .0 == 202
        else { throw NSError(domain: "bench", code: 4, userInfo: [NSLocalizedDescriptionKey: "websub refused"]) }
        try await Task.sleep(for: .milliseconds(500))  // verified and stored by then
        func waitForDelivery(live: Bool, after start: Date) async throws -> Double {
            for _ in 0..<5000 {
                if let at = subscriber.delivered(after: start, live: live) { return at.timeIntervalSince(start) }
                try await Task.sleep(for: .milliseconds(1))
            }
            throw NSError(domain: "bench", code: 5, userInfo: [NSLocalizedDescriptionKey: "no websub delivery"])
        }

        var toPage: [Double] = []
        var toFeed: [Double] = []
        var toSubscriber: [Double] = []
        for round in 0..<60 {
            let online = round % 2 == 0
            let start = Date()
            try await notify(online: online, round: round)
            let feed = try await call(.GET, "/feeds/live.atom").1
            if feed.contains("twitch.tv/runner") == online { toFeed.append(Date().timeIntervalSince(start)) }
            try await waitForPage(live: online)
            toPage.append(Date().timeIntervalSince(start))
            toSubscriber.append(try await waitForDelivery(live: online, after: start))
        }
        let pollWaitMs = 30_000.0  // a change waits half a 60 s poll interval on average (up to 60 s)
        for (name, samples) in [
            ("LIVE badge on an open page", toPage), ("live feed shows it", toFeed),
            ("WebSub subscriber has the new feed", toSubscriber),
        ] {
            for (label, p) in [("p50", 0.5), ("p99", 0.99)] {
                report.add(
                    Figure(
                        name: "EventSub push → \(name), \(label) (\(samples.count))",
                        value: percentile(samples, p) * 1000,
                        unit: "ms", baseline: pollWaitMs, baselineName: "60 s poll: mean wait",
                        note: "goal well under 1 s"))
            }
        }
    }
}

/// A WebSub subscriber on a free loopback port: echoes the verification's challenge and notes when
/// each delivery arrived and whether the race's runner was live in it.
final class Subscriber: Sendable {
    /// The deliveries so far, shared with the server's routes.
    final class Log: Sendable {
        let deliveries = Mutex<[(at: Date, live: Bool)]>([])
    }

    private let log = Log()
    private let task: Task<Void, any Error>
    let port: Int

    init() async throws {
        let router = Router()
        router.get("/cb") { request, _ in request.uri.queryParameters["hub.challenge"].map(String.init) ?? "" }
        let log = self.log
        router.post("/cb") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let at = Date()
            log.deliveries.withLock { $0.append((at, body.contains("twitch.tv/runner"))) }
            return .noContent
        }
        (port, task) = await LoopbackServer.start(router)
    }

    var callback: String { "http://127.0.0.1:\(port)/cb" }

    /// When the first delivery after `start` with the runner `live` (or not) arrived.
    func delivered(after start: Date, live: Bool) -> Date? {
        log.deliveries.withLock { $0.first { $0.at >= start && $0.live == live }?.at }
    }

    func stop() { task.cancel() }
}
