import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A strict stand-in for Twitch's token endpoint and Helix `/streams`, on a free loopback port:
/// 401 on missing/unknown/revoked tokens and a missing `Client-Id`, 400 on more than 100 logins
/// or `first` outside 1–100, `first` defaulting to 20, cursor pagination, switchable 429
/// (with `Ratelimit-Reset`) and 503, and counters for the tests.
public final class FakeHelixServer: Sendable {
    public let state: FakeHelixState
    private let task: Task<Void, any Error>
    public let port: Int

    /// Starts the server; returns once it listens.
    public init(state: FakeHelixState = FakeHelixState()) async throws {
        self.state = state
        let router = Router()
        router.post("/token") { request, context in try await Self.token(request, context, state) }
        router.get("/streams") { request, _ in try await Self.streams(request, state) }
        router.get("/users") { request, _ in try await Self.users(request, state) }
        router.get("/eventsub/subscriptions") { request, _ in try await Self.listSubscriptions(request, state) }
        router.post("/eventsub/subscriptions") { request, _ in try await Self.createSubscription(request, state) }
        router.delete("/eventsub/subscriptions") { request, _ in try await Self.deleteSubscription(request, state) }
        (port, task) = await LoopbackServer.start(router)
    }

    public var apiURL: String { "http://127.0.0.1:\(port)" }
    public var authURL: String { "http://127.0.0.1:\(port)" }

    public func stop() { task.cancel() }

    deinit { task.cancel() }

    static func json(_ status: HTTPResponse.Status, _ object: Any, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try json(status, ["error": status.reasonPhrase, "status": Int(status.code), "message": message])
    }

    static func token(_ request: Request, _ context: BasicRequestContext, _ state: FakeHelixState) async throws
        -> Response
    {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 1 << 16))
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        guard form["grant_type"] == "client_credentials" else { return try error(.badRequest, "invalid grant type") }
        guard form["client_id"] == state.clientID else { return try error(.badRequest, "invalid client") }
        guard form["client_secret"] == state.clientSecret else { return try error(.forbidden, "invalid client secret") }
        let (token, lifetime) = state.state.withLock { s -> (String, Int) in
            s.tokenRequests += 1
            s.tokenCounter += 1
            let token = "faketoken\(s.tokenCounter)"
            s.tokens[token] = Date().addingTimeInterval(Double(s.tokenLifetime))
            return (token, s.tokenLifetime)
        }
        return try json(.ok, ["access_token": token, "expires_in": lifetime, "token_type": "bearer"])
    }

    static func streams(_ request: Request, _ state: FakeHelixState) async throws -> Response {
        let query = request.uri.queryParameters
        let logins = query.getAll("user_login").map { $0.lowercased() }
        let (delay, failure) = state.state.withLock { s -> (Duration, (status: Int, resetIn: Int)?) in
            s.streamsRequests += 1
            s.requestedLogins.append(logins)
            s.requestTimes.append(Date())
            return (s.streamsDelay, s.failures.isEmpty ? nil : s.failures.removeFirst())
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        let reset = Int(Date().timeIntervalSince1970) + (failure?.resetIn ?? 60)
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("Ratelimit-Limit")!] = "800"
        headers[HTTPField.Name("Ratelimit-Reset")!] = String(reset)
        guard request.headers[HTTPField.Name("Client-Id")!] == state.clientID else {
            state.state.withLock { $0.unauthorizedAnswers += 1 }
            return try error(.unauthorized, "Client ID and OAuth token do not match")
        }
        let auth = request.headers[.authorization] ?? ""
        let token = auth.hasPrefix("Bearer ") ? String(auth.dropFirst(7)) : ""
        let valid = state.state.withLock { s in (s.tokens[token].map { $0 > Date() }) ?? false }
        guard valid else {
            state.state.withLock { $0.unauthorizedAnswers += 1 }
            return try error(.unauthorized, "Invalid OAuth token")
        }
        if let failure {
            if failure.status == 429 { state.state.withLock { $0.lastRateLimitReset = reset } }
            headers[HTTPField.Name("Ratelimit-Remaining")!] = "0"
            return try json(
                .init(code: failure.status),
                ["error": "injected", "status": failure.status, "message": "injected failure"], headers: headers)
        }
        headers[HTTPField.Name("Ratelimit-Remaining")!] = "799"
        guard logins.count <= 100 else {
            return try error(.badRequest, "The parameter \"user_login\" may only be specified up to 100 times")
        }
        let first = query.get("first").map { Int($0) ?? -1 } ?? 20
        guard (1...100).contains(first) else { return try error(.badRequest, "Invalid value for \"first\"") }
        let offset =
            query.get("after").flatMap { Data(base64Encoded: $0) }.flatMap { Int(String(decoding: $0, as: UTF8.self)) }
            ?? 0
        let (live, cap) = state.state.withLock { s in (logins.compactMap { s.streams[$0] }, s.pageCap) }
        let size = min(first, cap)
        let page = Array(live.dropFirst(offset).prefix(size))
        let next = offset + page.count
        let pagination: [String: Any] =
            next < live.count ? ["cursor": Data(String(next).utf8).base64EncodedString()] : [:]
        let data: [[String: Any]] = page.map { s in
            [
                "id": s.id, "user_id": String(abs(s.login.hashValue) % 1_000_000), "user_login": s.login,
                "user_name": s.name,
                "game_id": "0", "game_name": "Speedrun", "type": s.type, "title": s.title, "tags": [String](),
                "viewer_count": 42,
                "started_at": s.startedAt, "language": "en", "thumbnail_url": "", "tag_ids": [String](),
                "is_mature": false,
            ]
        }
        return try json(.ok, ["data": data, "pagination": pagination], headers: headers)
    }
}
