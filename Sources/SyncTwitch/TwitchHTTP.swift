public import Foundation
public import NIOHTTP1
public import OutboundHTTP
import SyncCore

/// The one HTTP seam of the Twitch code: a request in, status + headers + body out.
public protocol TwitchTransport: Sendable {
    func send(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, timeout: Duration) async throws
        -> TwitchHTTPResponse
}

/// A raw HTTP answer.
public struct TwitchHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// `TwitchTransport` over the one outbound client shared by every Twitch call.
public struct OutboundTwitchTransport: TwitchTransport {
    let client: OutboundHTTPClient

    public init(client: OutboundHTTPClient) { self.client = client }

    public func send(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, timeout: Duration)
        async throws -> TwitchHTTPResponse
    {
        let request = OutboundRequest(
            method: method.rawValue, url: url, headers: headers, body: body, timeout: timeout,
            bodyLimit: .fail(bytes: 16 << 20))
        do {
            let response = try await client.send(request)
            return TwitchHTTPResponse(status: response.status, headers: response.headers, body: response.body)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TwitchError.unreachable("\(error)")
        }
    }
}
