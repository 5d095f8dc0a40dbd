public import Foundation
public import NIOHTTP1
public import OutboundHTTP
import SyncCore

/// The one HTTP seam of the Twitch code: a request in, status + headers + body out.
public protocol TwitchTransport: Sendable {
    func send(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, timeout: Duration) async throws
        -> TwitchHTTPResponse
}

/// A raw HTTP answer: status, headers (`header(_:)` by case-insensitive name) and body.
public typealias TwitchHTTPResponse = OutboundResponse

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
            return try await client.send(request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TwitchError.unreachable("\(error)")
        }
    }
}
