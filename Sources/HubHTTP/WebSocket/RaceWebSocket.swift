import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import RaceService
import RaceWeb
import ServiceLifecycle
import SyncCore
import Synchronization

/// A race's public WebSocket, `GET /ws/races/{id}` (CONTRACT §9), as the original service had:
/// read-only and without a token, it sends `{"type": "race_state", "cursor", "race": RaceDetail}`
/// at once and again whenever the race's detail changes (the same commits wake it as the pages).
/// It shares the event streams' caps (per client and in total), pings every `pingInterval` and
/// closes a connection that stopped answering; a client that stops reading is cut by the
/// connection's write timeout, never buffered for.
struct RaceWebSocket: Sendable {
    /// Clients only send control frames; anything larger is a protocol error.
    static let maxFrameBytes = 4096
    let store: Hub
    let slots: StreamSlots
    var pingInterval: Duration = .seconds(30)

    init(store: Hub, slots: StreamSlots) {
        self.store = store
        self.slots = slots
    }

    /// The race a WebSocket path names (`/ws/races/<uuid>`, any query ignored); nil for another path.
    static func raceID(path: String) -> UUID? {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let prefix = HubPaths.webSocketRaces + "/"
        guard bare.hasPrefix(prefix) else { return nil }
        let id = bare.dropFirst(prefix.count)
        return id.count == 36 ? UUID(uuidString: String(id)) : nil
    }

    /// Whether a handshake is taken: a GET of a known race while a stream slot is free for the
    /// client. Every other handshake goes to the router as a plain request, which says why.
    func accepts(path: String, method: HTTPMethod, client: String) async throws -> Bool {
        guard method == .GET, let id = Self.raceID(path: path), slots.refusal(client: client) == nil else {
            return false
        }
        return try await store.raceDetail(id) != nil
    }

    func session(path: String, client: String) -> Session {
        Session(socket: self, raceID: Self.raceID(path: path) ?? UUID(), client: client)
    }

    /// `GET /ws/races/{id}` as a plain request, i.e. a handshake not taken: `422` not a race id,
    /// `404` unknown race, `429`/`503` no free slot, else `426` (use a WebSocket client).
    func register(on router: Router<HubContext>) {
        router.get(RouterPath(HubPaths.webSocketRaces + "/:race_id")) { _, context -> Response in
            let id = try HTTPIO.uuid(context, "race_id")
            guard try await store.raceDetail(id) != nil else { throw APIError.raceNotFound }
            if let refusal = slots.refusal(client: context.clientAddress) {
                throw APIError(refusal.status, refusal.message, retryAfter: 30)
            }
            var error = APIError(
                .upgradeRequired,
                "this is a WebSocket: open it with a WebSocket client on a new connection, or read GET \(HubPaths.race(id))/events as Server-Sent Events"
            ).response()
            error.headers[.upgrade] = "websocket"
            error.headers[.connection] = "Upgrade"
            return error
        }
    }

    /// One open WebSocket of one client.
    struct Session: Sendable {
        let socket: RaceWebSocket
        let raceID: UUID
        let client: String

        func run(_ frames: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, logger: Logger) async {
            guard socket.slots.take(client: client) else {
                // The last slot went between the handshake and now.
                try? await frames.executeThenClose { _, outbound in
                    try await outbound.write(Self.close(1013, "too many open streams; retry later"))
                }
                return
            }
            defer { socket.slots.give(client: client) }
            let heard = Heard()
            do {
                try await frames.executeThenClose { inbound, outbound in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await read(inbound, outbound, heard: heard) }
                        group.addTask { try await push(outbound, heard: heard) }
                        group.addTask {
                            try await gracefulShutdown()
                            try await outbound.write(Self.close(1001, "the hub is restarting"))
                        }
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                logger.debug("race websocket ended", metadata: ["race": "\(raceID)", "error": "\(error)"])
            }
        }

        /// Answers pings, echoes a close and ends; other frames are read and dropped (read-only).
        private func read(
            _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>,
            _ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
            heard: Heard
        ) async throws {
            for try await frame in inbound {
                heard.now()
                switch frame.opcode {
                case .ping:
                    try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                case .connectionClose:
                    var data = frame.unmaskedData
                    let code = data.readInteger(as: UInt16.self) ?? 1000
                    try await outbound.write(Self.close(code, ""))
                    return
                default:
                    continue
                }
            }
        }

        /// Sends the race's state at once and after each change; pings while nothing changes, and
        /// closes once the client has not answered two pings.
        private func push(_ outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>, heard: Heard)
            async throws
        {
            let signal = socket.store.changeSignal
            let interval = socket.pingInterval
            var sent: String?
            while !Task.isCancelled {
                let generation = signal.generation
                guard let state = try await RaceEventRoutes.state(socket.store, raceID),
                    let message = state.raceStateMessage
                else {
                    try await outbound.write(Self.close(1000, "the race is gone"))
                    return
                }
                if state.raceJSON != sent {
                    try await outbound.write(
                        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: message)))
                    sent = state.raceJSON
                }
                await signal.wait(since: generation, timeout: interval)
                guard signal.generation == generation, !Task.isCancelled else { continue }
                // A quiet interval: is the client still there?
                let silentMs = WallClock.nowMs() - heard.lastMs
                if silentMs > 2 * Int64(interval / .milliseconds(1)) + 5000 {
                    try await outbound.write(Self.close(1001, "no answer to pings"))
                    return
                }
                try await outbound.write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "racesync")))
            }
        }

        /// When the client last sent anything (a pong, a ping, any frame).
        final class Heard: Sendable {
            private let ms = Atomic<Int64>(WallClock.nowMs())
            var lastMs: Int64 { ms.load(ordering: .relaxed) }
            func now() { ms.store(WallClock.nowMs(), ordering: .relaxed) }
        }

        /// A close frame with a status code and a reason (RFC 6455 §5.5.1).
        static func close(_ code: UInt16, _ reason: String) -> WebSocketFrame {
            var data = ByteBuffer()
            data.writeInteger(code)
            data.writeString(String(reason.utf8.prefix(120)) ?? "")
            return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        }
    }
}
