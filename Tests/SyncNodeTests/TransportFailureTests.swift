import Foundation
import Testing

@testable import SyncCore
@testable import SyncNode

/// A hub that does not answer is told apart by the error's type, not its text.
@Suite struct TransportFailureTests {
    static let token = String(repeating: "t", count: 40)

    @Test func nothingListeningIsRefused() async throws {
        let client = try HTTPHubClient(base: "http://127.0.0.1:1", token: Self.token)
        await #expect(throws: HubClientError.unreachable(.refused)) { try await client.me() }
    }

    @Test func aNameThatDoesNotResolveSaysSo() async throws {
        let client = try HTTPHubClient(base: "http://no-such-hub.invalid:8080", token: Self.token)
        await #expect(throws: HubClientError.unreachable(.unresolvable(host: "no-such-hub.invalid"))) {
            try await client.me()
        }
    }

    @Test func aPeerThatHangsUpIsClosed() async throws {
        // A listener that accepts and closes at once, without answering.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(listener, raw, length)
                _ = listen(listener, 8)
                _ = getsockname(listener, raw, &length)
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let acceptor = Thread {
            for _ in 0..<4 {
                let connection = accept(listener, nil, nil)
                if connection >= 0 { close(connection) }
            }
        }
        acceptor.start()
        let client = try HTTPHubClient(base: "http://127.0.0.1:\(port)", token: Self.token)
        await #expect(throws: HubClientError.unreachable(.closed)) { try await client.me() }
    }

    @Test func descriptionsAreShort() {
        #expect(HubClientError.unreachable(.refused).description == "hub unreachable: connection refused")
        #expect(TransportFailure.timedOut.description == "timed out")
        #expect(TransportFailure("partitioned").description == "partitioned")
    }
}
