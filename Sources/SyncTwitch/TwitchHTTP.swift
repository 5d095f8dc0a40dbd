public import AsyncHTTPClient
public import Foundation
import NIOCore
public import NIOHTTP1
import SyncCore
import TransportErrors

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

/// `TwitchTransport` over one AsyncHTTPClient client shared by every Twitch call.
public struct AsyncHTTPTwitchTransport: TwitchTransport {
    let client: HTTPClient

    public init(client: HTTPClient) { self.client = client }

    public func send(method: HTTPMethod, url: String, headers: [(String, String)], body: Data?, timeout: Duration)
        async throws -> TwitchHTTPResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout / .milliseconds(1))))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            var headerMap: [String: String] = [:]
            for header in response.headers { headerMap[header.name] = header.value }
            return TwitchHTTPResponse(
                status: Int(response.status.code), headers: headerMap, body: Data(bytes.readableBytesView))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TwitchError.unreachable(TransportFailure(classifying: error).description)
        }
    }
}
