public import Foundation
import OutboundHTTP
public import SyncCore
import SyncStore

/// Why a call to the hub failed.
public enum HubClientError: Error, CustomStringConvertible, Equatable {
    /// No answer: connection refused, timeout, DNS… Local state stays intact; retry later.
    case unreachable(TransportFailure)
    /// The hub refused the token (401).
    case unauthorized(String)
    /// Any other refusal, with the hub's status and detail.
    case refused(status: Int, detail: String)
    /// The hub answered something that is not the expected JSON.
    case badResponse(String)

    public var description: String {
        switch self {
        case .unreachable(let why): return "hub unreachable: \(why)"
        case .unauthorized(let detail): return "the hub refused the token: \(detail)"
        case .refused(let status, let detail): return "the hub answered \(status): \(detail)"
        case .badResponse(let why): return "unexpected answer from the hub: \(why)"
        }
    }
}

/// The calls a node makes to its hub. The seam lets sync logic run against any transport.
public protocol HubAPI: Sendable {
    func me() async throws -> User
    func push(_ request: PushRequest) async throws -> PushResponse
    func pull(since cursor: String?, limit: Int, wait: Int) async throws -> PullPage
    /// Downloads the hub's snapshot file to `path`; false when the hub serves none.
    func snapshot(to path: String) async throws -> Bool
}

extension HubAPI {
    public func snapshot(to path: String) async throws -> Bool { false }
}

/// The HTTP client for hub calls, created on first use only (read commands never start it).
/// A refused connection is reported at once, not retried until the deadline, so an
/// unreachable hub is noticed in milliseconds and the caller decides about retries.
let hubHTTPClient = OutboundHTTPClient()

/// `HubAPI` over HTTP (`OutboundHTTPClient`).
public struct HTTPHubClient: HubAPI {
    public let base: String
    public let token: String
    /// Per-request timeout, on top of any long-poll wait.
    public var timeout: Duration = .seconds(30)

    /// Validates `base` (http or https, with a host) and builds a client.
    public init(base: String, token: String) throws {
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw HubURLError(text: base)
        }
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
    }

    public func me() async throws -> User {
        try await send("GET", HubPaths.me, body: nil, as: User.self)
    }

    /// An organizer's write over the REST API (online only): `body` as JSON, the answer's JSON
    /// (a race's detail) as sent. A refusal is `HubClientError.refused` with the hub's reason.
    public func organizerWrite(_ method: OrganizerMethod, _ path: String, body: [String: String]? = nil)
        async throws -> Data
    {
        let (status, data) = try await exchange(
            method.rawValue, path, body: try body.map { try JSONSerialization.data(withJSONObject: $0) },
            extraTime: .zero, limit: 16 << 20)
        guard status == 200 || status == 201 else { throw Self.refusal(status, data) }
        return data
    }

    public func push(_ request: PushRequest) async throws -> PushResponse {
        // Up to 1000 ops each way: written by hand, and the answer read without JSONDecoder
        // when it is plain (else by it).
        try await send(
            "POST", HubPaths.push, body: Data(request.fastJSON.utf8), as: PushResponse.self,
            fast: PushResponse.fastDecode)
    }

    public func pull(since cursor: String?, limit: Int, wait: Int = 0) async throws -> PullPage {
        var query = "limit=\(limit)"
        if let cursor {
            query += "&since=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)
        }
        if wait > 0 { query += "&wait=\(wait)" }
        let (status, data) = try await exchange(
            "GET", HubPaths.pull + "?" + query, body: nil, extraTime: .seconds(wait), limit: 256 << 20)
        guard status == 200 else { throw Self.refusal(status, data) }
        // Pages are the bulk of what a node reads: decoded without JSONDecoder.
        do { return try PullPageDecoder.decode(data) } catch { throw HubClientError.badResponse("\(error)") }
    }

    /// Streams the snapshot to `path` as it arrives (never whole in memory), a new file only
    /// its owner reads; a download cut short leaves no file behind.
    public func snapshot(to path: String) async throws -> Bool {
        let response: OutboundResponse
        do {
            response = try await hubHTTPClient.download(
                request(
                    "GET", HubPaths.snapshot, body: nil, timeout: timeout + .seconds(270),
                    limit: Self.maxSnapshotBytes),
                to: path)
        } catch {
            throw Self.failure(error, answer: "the snapshot")
        }
        if response.status == 404 || response.status == 405 { return false }
        guard response.status == 200 else { throw Self.refusal(response.status, response.body) }
        return true
    }

    /// The largest snapshot a node accepts.
    static let maxSnapshotBytes = 1 << 30

    /// One call whose answer is JSON decoded as `T`; `fast` reads it first when given, and nil
    /// from it leaves it to `JSONDecoder`.
    private func send<T: Decodable>(
        _ method: String, _ path: String, body: Data?, as type: T.Type, extraTime: Duration = .zero,
        fast: (([UInt8]) -> T?)? = nil
    ) async throws -> T {
        let (status, data) = try await exchange(method, path, body: body, extraTime: extraTime, limit: 256 << 20)
        guard status == 200 || status == 201 else { throw Self.refusal(status, data) }
        if let fast, let value = fast(Array(data)) { return value }
        do {
            return try WireJSON.decode(T.self, from: data)
        } catch {
            throw HubClientError.badResponse(WireJSON.describe(error))
        }
    }

    /// One request with the token (none when it is empty); no answer at all is `unreachable`.
    func exchange(_ method: String, _ path: String, body: Data?, extraTime: Duration, limit: Int)
        async throws -> (Int, Data)
    {
        do {
            let response = try await hubHTTPClient.send(
                request(method, path, body: body, timeout: timeout + extraTime, limit: limit))
            return (response.status, response.body)
        } catch {
            throw Self.failure(error)
        }
    }

    /// What a failed exchange is to the node: no answer at all is `unreachable`, an answer over
    /// its limit a bad response, a cancelled task stays cancelled.
    static func failure(_ error: any Error, answer: String = "the answer") -> any Error {
        switch error {
        case is CancellationError:
            return error
        case OutboundHTTPError.bodyTooLarge(let limit):
            let size = limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB"
            return HubClientError.badResponse("\(answer) is larger than \(size)")
        case let error as OutboundHTTPError:
            return HubClientError.badResponse("\(error)")
        case let error as TransportFailure:
            return HubClientError.unreachable(error)
        default:
            return HubClientError.unreachable(.other("\(error)"))
        }
    }

    /// A request to the hub with the token.
    private func request(_ method: String, _ path: String, body: Data?, timeout: Duration, limit: Int)
        -> OutboundRequest
    {
        var headers = [("Accept", "application/json")]
        if !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return OutboundRequest(
            method: method, url: base + path, headers: headers, body: body, timeout: timeout,
            bodyLimit: .fail(bytes: limit))
    }

    /// A refusal with the hub's `{"detail"}` (or the start of whatever it sent).
    static func refusal(_ status: Int, _ data: Data) -> HubClientError {
        let detail =
            (try? JSONDecoder().decode([String: String].self, from: data))?["detail"]
            ?? String(decoding: data.prefix(200), as: UTF8.self)
        if status == 401 { return .unauthorized(detail) }
        return .refused(status: status, detail: detail)
    }

}

/// The methods of the organizer's REST calls.
public enum OrganizerMethod: String, Sendable {
    case GET, POST, DELETE
}

/// A `--hub` value that is not an http(s) URL with a host.
public struct HubURLError: Error, CustomStringConvertible {
    public let text: String
    public var description: String { "'\(text)' is not a hub URL (expected something like http://127.0.0.1:8080)" }
}
