import AsyncHTTPClient
import Foundation
import NIOCore
import SyncCore

/// Pushes over AsyncHTTPClient (NIO), as the node's client did before it moved to URLSession:
/// the bench's yardstick for what the client costs. Encodes the push and decodes the answer as the
/// node does, so the two differ only in how they move bytes.
final class NIOPushClient: Sendable {
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    let url: String
    let token: String

    init(url: String, token: String) {
        self.url = url
        self.token = token
    }

    func push(_ request: PushRequest) async throws {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        http.headers.add(name: "Authorization", value: "Bearer \(token)")
        http.headers.add(name: "Content-Type", value: "application/json")
        http.body = .bytes(ByteBuffer(string: request.fastJSON))
        let response = try await client.execute(http, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 256 << 20)
        guard response.status == .ok else { throw NIOPushFailure(status: Int(response.status.code)) }
        if PushResponse.fastDecode(Array(body.readableBytesView)) == nil {
            _ = try WireJSON.decode(PushResponse.self, from: Data(body.readableBytesView))
        }
    }

    func shutdown() { try? client.syncShutdown() }
}

struct NIOPushFailure: Error { let status: Int }
