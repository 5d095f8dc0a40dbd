import FakeHelix
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A WebSub subscriber on a free loopback port: `GET /cb` answers the hub's verification of
/// intent (echoing `hub.challenge` unless told to refuse), `POST /cb` records each delivery and
/// answers the status the test chose; `GET /redirect` redirects to `/cb`.
final class TestSubscriber: Sendable {
    struct Verification: Sendable {
        var query: [String: String]
    }

    struct Delivery: Sendable {
        var body: String
        var headers: HTTPFields
        var at: ContinuousClock.Instant
    }

    struct State: Sendable {
        var verifications: [Verification] = []
        var deliveries: [Delivery] = []
        var echoChallenge = true
        var deliveryStatus: HTTPResponse.Status = .noContent
    }

    /// What the subscriber saw and how it answers, shared with its routes.
    final class Recorder: Sendable {
        let state = Mutex(State())
    }

    let recorder = Recorder()
    /// Changes how the subscriber answers.
    func update(_ change: @Sendable (inout State) -> Void) { recorder.state.withLock { change(&$0) } }
    let port: Int
    private let task: Task<Void, any Error>

    init() async throws {
        let router = Router()
        let recorder = self.recorder
        router.get("/cb") { request, _ -> Response in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let echo = recorder.state.withLock { state in
                state.verifications.append(Verification(query: query))
                return state.echoChallenge
            }
            let body = echo ? query["hub.challenge"] ?? "" : "no thanks"
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        // Sends the hub elsewhere: a hub that followed it would verify through /cb.
        router.get("/redirect") { request, _ -> Response in
            Response(status: .temporaryRedirect, headers: [.location: "/cb?" + (request.uri.query ?? "")])
        }
        router.post("/cb") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let status = recorder.state.withLock { state in
                state.deliveries.append(
                    Delivery(body: String(buffer: body), headers: request.headers, at: ContinuousClock.now))
                return state.deliveryStatus
            }
            return Response(status: status)
        }
        (port, task) = await LoopbackServer.start(router)
    }

    deinit { task.cancel() }

    var callback: String { "http://127.0.0.1:\(port)/cb" }
    var verifications: [Verification] { recorder.state.withLock { $0.verifications } }
    var deliveries: [Delivery] { recorder.state.withLock { $0.deliveries } }

    /// Waits (up to `seconds`) until `check` holds of the state.
    func wait(seconds: Double = 5, until check: (State) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if recorder.state.withLock({ check($0) }) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return recorder.state.withLock { check($0) }
    }
}
