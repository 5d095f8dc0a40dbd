import Foundation
import HTTPTypes
import HubHTTP
import Hummingbird
import HummingbirdTesting
import Logging
import RaceService
import RaceWeb
import SyncCore
import SyncStore
import SyncTwitch
import Synchronization

/// The wall clock plus however far a test moved it ahead.
final class ShiftedClock: Sendable {
    private let shift = Atomic<Int64>(0)
    var now: Int64 { WallClock.nowMs() + shift.load(ordering: .relaxed) }
    func advance(_ ms: Int64) { shift.add(ms, ordering: .relaxed) }
}

/// A hub store on a temporary file, a few users, and the real router under test.
final class HubHarness: @unchecked Sendable {
    let dir: String
    let store: HubStore
    let metrics = HubMetrics()
    var tokens: [String: String] = [:]
    var ids: [String: UUID] = [:]
    /// The store's clock: the wall clock, moved ahead by hand (`clock.advance`).
    let clock = ShiftedClock()

    init(users: [String] = ["org", "alice", "bob", "carol"]) async throws {
        dir = NSTemporaryDirectory() + "racesync-hub-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try HubStore(path: dir + "/hub.sqlite", now: { [clock] in clock.now })
        feeds = FeedCache(store: store.hub, baseURL: "http://hub.test")
        for login in users {
            let (user, token) = try await store.hub.addUser(login: login, displayName: login.capitalized)
            tokens[login] = token
            ids[login] = user.id
        }
    }

    /// The store as the routes see it.
    var storage: Hub { store.hub }
    /// The feeds the routes serve, on the public URL `http://hub.test`.
    let feeds: FeedCache

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Runs `body` against the router in process, or with `live` against the whole server on a
    /// loopback port (its connection handlers included; `earlyFeeds` as the application's).
    func run(
        live: Bool = false, earlyFeeds: Bool = true, pageEvents: PageEvents? = nil, quota: WriteQuota = .unlimited,
        publicURL: String? = nil,
        twitchSignIn: (any TwitchSignIn)? = nil, eventSubSecret: EventSubSecret? = nil,
        streamLookup: (any StreamLookup)? = nil, webSub: WebSubHub? = nil, accessLog: AccessLog? = nil,
        _ body: @Sendable (Client) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        // Per-client rate limits see no time pass: a run slowed by a loaded machine refills nothing.
        let frozen = ContinuousClock.now
        let app = HubServer.application(
            store: storage, metrics: metrics, feeds: feeds, host: "127.0.0.1", port: 0, logger: logger,
            pageEvents: pageEvents ?? PageEventsSettings.standard(), quota: quota, publicURL: publicURL,
            twitch: TwitchHooks(signIn: twitchSignIn, eventSubSecret: eventSubSecret, streamLookup: streamLookup),
            webSub: webSub, accessLog: accessLog, earlyFeeds: earlyFeeds, rateClock: { frozen })
        let tokens = self.tokens
        try await app.test(live ? .live : .router) { client in
            try await body(Client(client: client, tokens: tokens))
        }
    }

    /// A thin client: `call` returns the status and the decoded JSON body.
    struct Client: Sendable {
        let client: any TestClientProtocol
        let tokens: [String: String]

        struct Reply: @unchecked Sendable {
            var status: Int
            var json: Any?
            var text: String
            var headers: HTTPFields

            var object: [String: Any] { json as? [String: Any] ?? [:] }
            var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
            var detail: String? { object["detail"] as? String }
        }

        @discardableResult
        func call(
            _ method: HTTPRequest.Method, _ uri: String, as login: String? = nil, token: String? = nil,
            json: Any? = nil, raw: String? = nil, headers extra: HTTPFields = [:]
        ) async throws -> Reply {
            var headers: HTTPFields = [:]
            if let token = token ?? login.flatMap({ tokens[$0] }) { headers[.authorization] = "Bearer \(token)" }
            var body: ByteBuffer?
            if let json { body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)) }
            if let raw { body = ByteBuffer(string: raw) }
            if body != nil { headers[.contentType] = "application/json" }
            for field in extra { headers[field.name] = field.value }
            return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                let text = String(buffer: response.body)
                return Reply(
                    status: Int(response.status.code), json: try? JSONSerialization.jsonObject(with: Data(text.utf8)),
                    text: text, headers: response.headers)
            }
        }

        /// Creates a race as `login` and returns its id.
        func race(_ name: String = "Any% Glitchless", by login: String = "org") async throws -> String {
            try await call(.post, "/api/races", as: login, json: ["name": name]).object["id"] as! String
        }

        func casters(_ race: String) async throws -> [String] {
            let detail = try await call(.get, "/api/races/\(race)").object
            return (detail["casters"] as? [[String: Any]] ?? []).map {
                ($0["user"] as! [String: Any])["twitch_username"] as! String
            }
        }
    }

    /// An op in wire form.
    func op(
        _ kind: String = "caster.join", race: String, user: String, wallMs: Int64? = nil, counter: Int = 0,
        node: String = "node-a", opID: String = UUID().uuidString.lowercased()
    ) -> [String: Any] {
        [
            "op_id": opID, "kind": kind, "race_id": race, "user_id": ids[user]!.uuidString.lowercased(),
            "hlc": ["wall_ms": wallMs ?? Timestamp.milliseconds(Date()), "counter": counter, "node": node],
        ]
    }
}
