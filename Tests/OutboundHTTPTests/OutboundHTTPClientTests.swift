import Foundation
import OutboundHTTP
import SyncCore
import TestSupport
import Testing

/// The outbound client against raw loopback peers: limits, deadlines, cancellation, redirects.
@Suite struct OutboundHTTPClientTests {
    let client = OutboundHTTPClient()

    func url(_ port: Int, _ path: String = "/") -> String { "http://127.0.0.1:\(port)\(path)" }

    @Test func theStatusHeadersAndBodyComeBack() async throws {
        let port = RawPeer.serve(
            connections: 1, .reply(RawPeer.answer("201 Created", headers: ["X-Trace: abc"], body: Array("made".utf8))))
        let response = try await client.send(OutboundRequest(method: "POST", url: url(port), body: Data("x".utf8)))
        #expect(response.status == 201)
        #expect(response.header("x-trace") == "abc")
        #expect(response.body == Data("made".utf8))
    }

    @Test func aBodyLongerThanAFailingLimitFails() async throws {
        let body = [UInt8](repeating: 65, count: 10_000)
        let port = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", body: body)))
        await #expect(throws: OutboundHTTPError.bodyTooLarge(limit: 100)) {
            try await client.send(OutboundRequest(method: "GET", url: url(port), bodyLimit: .fail(bytes: 100)))
        }
    }

    @Test func aTruncatingLimitKeepsTheStartOfTheBody() async throws {
        let body = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        let port = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", body: body)))
        let response = try await client.send(
            OutboundRequest(method: "GET", url: url(port), bodyLimit: .truncate(bytes: 100)))
        #expect(response.status == 200)
        #expect(response.body == Data(body.prefix(100)))
    }

    @Test func aPeerThatNeverAnswersTimesOutAtTheDeadline() async throws {
        let port = RawPeer.serve(connections: 1, .silent)
        await #expect(throws: TransportFailure.timedOut) {
            try await client.send(OutboundRequest(method: "GET", url: url(port), timeout: .milliseconds(300)))
        }
    }

    @Test func aCancelledCallerGetsCancellationError() async throws {
        let port = RawPeer.serve(connections: 1, .silent)
        let call = Task { try await client.send(OutboundRequest(method: "GET", url: url(port))) }
        try await Task.sleep(for: .milliseconds(200))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
    }

    @Test func aRedirectIsAnsweredAsItIsWhenNotFollowed() async throws {
        let target = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", body: Array("followed".utf8))))
        let port = RawPeer.serve(
            connections: 2, .reply(RawPeer.answer("302 Found", headers: ["Location: \(url(target))"])))
        let unfollowed = try await OutboundHTTPClient(followRedirects: false).send(
            OutboundRequest(method: "GET", url: url(port)))
        #expect(unfollowed.status == 302)
        let followed = try await client.send(OutboundRequest(method: "GET", url: url(port)))
        #expect(followed.status == 200)
        #expect(followed.body == Data("followed".utf8))
    }

    @Test func aDownloadWritesOnlyA200AndOnlyWhole() async throws {
        let folder = TempDir()
        defer { folder.cleanup() }
        let body = [UInt8](repeating: 7, count: 50_000)
        let whole = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", body: body)))
        let file = folder.path + "/whole"
        let answer = try await client.download(OutboundRequest(method: "GET", url: url(whole)), to: file)
        #expect(answer.status == 200)
        #expect(FileManager.default.contents(atPath: file) == Data(body))

        let missing = RawPeer.serve(connections: 1, .reply(RawPeer.answer("404 Not Found", body: Array("no".utf8))))
        let refused = try await client.download(
            OutboundRequest(method: "GET", url: url(missing)), to: folder.path + "/x")
        #expect(refused.status == 404 && refused.body == Data("no".utf8))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/x"))

        let large = RawPeer.serve(connections: 1, .reply(RawPeer.answer("200 OK", body: body)))
        await #expect(throws: OutboundHTTPError.bodyTooLarge(limit: 1000)) {
            try await client.download(
                OutboundRequest(method: "GET", url: url(large), bodyLimit: .fail(bytes: 1000)), to: folder.path + "/y")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/y"))
    }
}
