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

    /// A loopback listener whose first `connections` connections get `reply` (raw bytes) and are
    /// closed; returns its port.
    static func rawPeer(connections: Int, reply: [UInt8]) -> Int {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
        let acceptor = Thread {
            defer { close(listener) }
            for _ in 0..<connections {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                var request = [UInt8](repeating: 0, count: 4096)
                if !reply.isEmpty { _ = read(connection, &request, request.count) }
                _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
        }
        acceptor.start()
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aPeerThatHangsUpIsClosed() async throws {
        // A listener that accepts and closes at once, without answering.
        let port = Self.rawPeer(connections: 4, reply: [])
        let client = try HTTPHubClient(base: "http://127.0.0.1:\(port)", token: Self.token)
        await #expect(throws: HubClientError.unreachable(.closed)) { try await client.me() }
    }

    @Test func aSnapshotStreamsToItsFileAndOneCutShortLeavesNone() async throws {
        let folder = NSTemporaryDirectory() + "racesync-snapshot-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.sqlite3\r\nConnection: close\r\n"
        let whole = Self.rawPeer(
            connections: 1, reply: Array((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body)
        let file = folder + "/whole"
        #expect(try await HTTPHubClient(base: "http://127.0.0.1:\(whole)", token: Self.token).snapshot(to: file))
        #expect(FileManager.default.contents(atPath: file) == Data(body))
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        // The hub promises 300,000 bytes and vanishes after 1,000 of them.
        let cut = Self.rawPeer(
            connections: 1,
            reply: Array((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body.prefix(1000))
        let partial = folder + "/partial"
        await #expect(throws: HubClientError.self) {
            try await HTTPHubClient(base: "http://127.0.0.1:\(cut)", token: Self.token).snapshot(to: partial)
        }
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test func descriptionsAreShort() {
        #expect(HubClientError.unreachable(.refused).description == "hub unreachable: connection refused")
        #expect(TransportFailure.timedOut.description == "timed out")
        #expect(TransportFailure("partitioned").description == "partitioned")
    }
}
