import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RaceService
import RaceWeb
import SyncCore

/// `GET /ws/races/{id}` (CONTRACT §9), the original's spectator WebSocket: read-only, no token.
/// On connect it sends `{"type": "race_state", "cursor", "race": RaceDetail}` and the same message
/// whenever the race's detail changes, woken by the store's commits like the pages' streams and
/// under the same caps (per client address and in total). The server pings every 30 s; what the
/// client sends is read and ignored. A request that cannot be upgraded reaches the router, which
/// answers why: `404` unknown race, `422` not a UUID, `429`/`503` over a cap, else `426`.
struct RaceWebSocket: Sendable {
    let store: Hub
    let slots: StreamSlots
    /// How long a socket waits for a commit before it looks again anyway.
    var recheck: Duration = .seconds(5)

    /// The race named by a `/ws/races/{uuid}` path.
    static func raceID(_ path: String) -> UUID? {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        guard bare.hasPrefix(HubPaths.raceSocketPrefix) else { return nil }
        return UUID(uuidString: String(bare.dropFirst(HubPaths.raceSocketPrefix.count)))
    }

    func shouldUpgrade(_ request: HTTPRequest, _ channel: any Channel, _ logger: Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        guard let id = request.path.flatMap(Self.raceID) else { return .dontUpgrade }
        let client = channel.remoteAddress?.ipAddress ?? "unknown"
        guard slots.available, slots.perClient.held(by: client) < slots.perClient.limit,
            try await store.raceDetail(id) != nil
        else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, _ in
            try await serve(id, client: client, inbound: inbound, outbound: outbound)
        }
    }

    private func serve(
        _ id: UUID, client: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        guard slots.perClient.acquire(client) else {
            try await outbound.close(.policyViolation, reason: "too many sockets from your address")
            return
        }
        defer { slots.perClient.release(client) }
        guard slots.acquire() else {
            try await outbound.close(.unexpectedServerError, reason: "too many open sockets; retry later")
            return
        }
        defer { slots.release() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Reading lets pings and the client's close through; it ends when the client leaves.
            group.addTask { for try await _ in inbound {} }
            group.addTask { try await push(id, to: outbound) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Sends the race's state now and after every change, until the race is gone or the task ends.
    private func push(_ id: UUID, to outbound: WebSocketOutboundWriter) async throws {
        var last: String?
        while !Task.isCancelled {
            let generation = store.changeSignal.generation
            let cursor = try await store.logHead().text
            guard let detail = try await store.raceDetail(id) else {
                try await outbound.close(.goingAway, reason: "race not found")
                return
            }
            let race = String(decoding: try WireJSON.encode(detail), as: UTF8.self)
            if race != last {
                try await outbound.write(
                    .text("{\"type\":\"race_state\",\"cursor\":\(JSONText.quote(cursor)),\"race\":\(race)}"))
                last = race
            }
            await store.changeSignal.wait(since: generation, timeout: recheck)
        }
    }

    /// What a plain `GET` (or a refused upgrade) of the socket's path gets.
    func register(on router: Router<HubContext>) {
        router.get(RouterPath(HubPaths.raceSocketPattern)) { request, context -> Response in
            let id = try HTTPIO.uuid(context, "race_id")
            guard try await store.raceDetail(id) != nil else { throw APIError.raceNotFound }
            guard slots.available else {
                throw APIError(.serviceUnavailable, "too many open sockets; retry later", retryAfter: 30)
            }
            guard slots.perClient.held(by: context.clientAddress) < slots.perClient.limit else {
                throw APIError(.tooManyRequests, "too many open sockets from your address", retryAfter: 30)
            }
            throw APIError(.upgradeRequired, "this is a WebSocket: connect with Upgrade: websocket")
        }
    }
}
