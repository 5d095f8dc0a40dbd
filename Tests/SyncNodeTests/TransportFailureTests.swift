import Foundation
import TestSupport
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
        let port = RawPeer.serve(connections: 4, .reply([]))
        let client = try HTTPHubClient(base: "http://127.0.0.1:\(port)", token: Self.token)
        await #expect(throws: HubClientError.unreachable(.closed)) { try await client.me() }
    }

    @Test func aSnapshotStreamsToItsFileAndOneCutShortLeavesNone() async throws {
        let folder = NSTemporaryDirectory() + "racesync-snapshot-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let type = ["Content-Type: application/vnd.sqlite3"]
        let whole = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", headers: type, body: body)))
        let file = folder + "/whole"
        #expect(try await HTTPHubClient(base: "http://127.0.0.1:\(whole)", token: Self.token).snapshot(to: file))
        #expect(FileManager.default.contents(atPath: file) == Data(body))
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        // The hub promises 300,000 bytes and vanishes after 1,000 of them.
        let cut = RawPeer.serve(
            connections: 1,
            .reply(RawPeer.answer("200 OK", headers: type, body: Array(body.prefix(1000)), declaredLength: body.count)))
        let partial = folder + "/partial"
        await #expect(throws: HubClientError.self) {
            try await HTTPHubClient(base: "http://127.0.0.1:\(cut)", token: Self.token).snapshot(to: partial)
        }
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test func anAnswerOverItsLimitIsABadResponseNotAnOutage() async throws {
        // A device-login answer is read up to 64 KiB; this "hub" sends 100 KB.
        let port = RawPeer.serve(
            connections: 1, .reply(RawPeer.answer("200 OK", body: [UInt8](repeating: 32, count: 100_000))))
        let client = try DeviceLoginClient(base: "http://127.0.0.1:\(port)")
        await #expect(throws: HubClientError.badResponse("the answer is larger than 64 KiB")) {
            try await client.start(name: "laptop")
        }
    }

    @Test func descriptionsAreShort() {
        #expect(HubClientError.unreachable(.refused).description == "hub unreachable: connection refused")
        #expect(TransportFailure.timedOut.description == "timed out")
        #expect(TransportFailure("partitioned").description == "partitioned")
    }
}
