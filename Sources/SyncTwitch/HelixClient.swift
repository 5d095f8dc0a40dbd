public import Foundation
import NIOHTTP1
public import SyncCore

/// A live stream as Helix reports it (the fields RaceSync keeps).
public struct HelixStream: Sendable, Equatable, Decodable {
    /// Twitch's stream id: new for every broadcast.
    public var id: String
    public var userLogin: String
    public var userName: String
    public var type: String
    public var title: String
    public var startedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, type, title
        case userLogin = "user_login"
        case userName = "user_name"
        case startedAt = "started_at"
    }

    /// The model's view of this stream, as seen live at `observedAt`.
    public func liveStream(observedAt: Date) -> LiveStream {
        LiveStream(streamID: id, title: title, startedAt: startedAt, observedAt: observedAt)
    }

    public init(id: String, userLogin: String, userName: String, type: String, title: String, startedAt: Date) {
        self.id = id
        self.userLogin = userLogin
        self.userName = userName
        self.type = type
        self.title = title
        self.startedAt = startedAt
    }
}

/// `GET /streams` done right: lowercase de-duplicated logins in requests of at most 100,
/// `first=100`, every `pagination.cursor` followed, one retry after a 401 with a renewed
/// token, waits out a 429 until `Ratelimit-Reset` (bounded), timeouts on every request.
public struct HelixClient: Sendable {
    let config: TwitchConfig
    let transport: any TwitchTransport
    let tokens: AppTokenProvider
    let observer: any TwitchObserver
    let now: @Sendable () -> Int64
    /// Longest wait for a rate-limit reset before the poll gives up.
    public var maxRateLimitWait: Duration = .seconds(30)
    public var requestTimeout: Duration = .seconds(10)

    public init(
        config: TwitchConfig, transport: any TwitchTransport, tokens: AppTokenProvider,
        observer: any TwitchObserver = NoTwitchObserver(), now: @escaping @Sendable () -> Int64 = WallClock.nowMs
    ) {
        self.config = config
        self.transport = transport
        self.tokens = tokens
        self.observer = observer
        self.now = now
    }

    /// The live streams (`type == "live"`) among `logins`.
    public func streams(logins: [String]) async throws -> [HelixStream] {
        let unique = Array(Set(logins.map { $0.lowercased() })).sorted()
        var live: [HelixStream] = []
        for start in stride(from: 0, to: unique.count, by: 100) {
            let chunk = Array(unique[start..<min(start + 100, unique.count)])
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await page(logins: chunk, after: cursor)
                live += page.data.filter { $0.type == "live" }
                cursor = page.pagination?.cursor.flatMap { $0.isEmpty ? nil : $0 }
                pages += 1
            } while cursor != nil && pages < 100
        }
        return live
    }

    /// Milliseconds until `Ratelimit-Reset` (Unix seconds) plus a little, from a header that may
    /// hold anything: absent, garbage or negative means no wait; absurd values saturate.
    public static func rateLimitWaitMs(reset header: String?, nowMs: Int64) -> Int64 {
        guard let seconds = header.flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }), seconds > 0 else {
            return 50
        }
        let (resetMs, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int64.max / 2 }
        return max(0, resetMs - nowMs) + 50
    }

    /// A `/streams` page from Helix's bytes, or a `badResponse` naming what is wrong.
    public static func decodePage(_ body: Data) throws -> Page {
        do {
            return try WireJSON.decoder().decode(Page.self, from: body)
        } catch {
            throw TwitchError.badResponse(WireJSON.describe(error))
        }
    }

    /// One page of `GET /streams`.
    public struct Page: Decodable, Sendable {
        public struct Pagination: Decodable, Sendable { public var cursor: String? }
        public var data: [HelixStream]
        public var pagination: Pagination?
    }

    private func page(logins: [String], after cursor: String?) async throws -> Page {
        var query = logins.map { "user_login=\(AppTokenProvider.formEscape($0))" }
        query.append("first=100")
        if let cursor { query.append("after=\(AppTokenProvider.formEscape(cursor))") }
        return try Self.decodePage(try await get("/streams?" + query.joined(separator: "&"), what: "GET /streams"))
    }

    /// One authenticated `GET` (app token, `Client-Id`): the body of a 200.
    func get(_ pathAndQuery: String, what: String) async throws -> Data {
        try await send(.GET, pathAndQuery, body: nil, what: what, accepting: [200]).body
    }

    /// One authenticated request (app token, `Client-Id`, a JSON `body`): the answer when its
    /// status is one of `accepting`. A 401 renews the token and retries once; a 429 waits until
    /// `Ratelimit-Reset` (at most three times, and never longer than `maxRateLimitWait`); anything
    /// else is `TwitchError.http`.
    func send(_ method: HTTPMethod, _ pathAndQuery: String, body: Data?, what: String, accepting: Set<Int>)
        async throws -> TwitchHTTPResponse
    {
        let url = config.apiURL + pathAndQuery
        var token = try await tokens.token()
        var retriedAuth = false
        var rateLimitWaits = 0
        var headers = [("Client-Id", config.clientID), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        while true {
            try Task.checkCancellation()
            let response = try await transport.send(
                method: method, url: url, headers: headers + [("Authorization", "Bearer \(token)")], body: body,
                timeout: requestTimeout)
            observer.helixRequest(status: response.status)
            if let remaining = response.header("Ratelimit-Remaining").flatMap(Int.init) {
                observer.rateLimitRemaining(remaining)
            }
            switch response.status {
            case let status where accepting.contains(status):
                return response
            case 401 where !retriedAuth:
                retriedAuth = true
                token = try await tokens.refresh(after: token)
            case 429 where rateLimitWaits < 3:
                rateLimitWaits += 1
                let waitMs = Self.rateLimitWaitMs(reset: response.header("Ratelimit-Reset"), nowMs: now())
                guard waitMs <= Int64(maxRateLimitWait.components.seconds) * 1000 else {
                    throw TwitchError.rateLimited(resetIn: Int(waitMs / 1000))
                }
                try await Task.sleep(for: .milliseconds(waitMs))
            default:
                throw TwitchError.http(status: response.status, what: what)
            }
        }
    }
}
