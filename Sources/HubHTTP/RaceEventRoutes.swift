import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET /api/races/{id}/events` (CONTRACT §9): a race's state as Server-Sent Events for bots,
/// overlays and tools, read-only and without a token. First `race_state` with the change-log
/// cursor and the REST `RaceDetail`, then the same message whenever that detail changes, woken by
/// the same commits as the pages (and under the same stream caps, per client and in total).
/// Resumable: `Last-Event-ID` (or `?since=`) at the current cursor sends nothing until a change.
struct RaceEventRoutes {
    let store: Hub
    let events: PageEvents

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(HubPaths.racePattern("events"))) { request, context in
            let id = try HTTPIO.uuid(context, "race_id")
            guard try await store.raceDetail(id) != nil else { throw APIError.raceNotFound }
            return events.response(request, client: context.clientAddress, signal: store.changeSignal) {
                try await Self.state(store, id)
            }
        }
    }

    /// The race's state now, or nil once it is gone (the stream then ends): what this stream and
    /// the race's WebSocket send.
    static func state(_ store: Hub, _ id: UUID) async throws -> PageState? {
        let cursor = try await store.logHead().text
        guard let detail = try await store.raceDetail(id) else { return nil }
        return PageState.race(cursor: cursor, detailJSON: String(decoding: try WireJSON.encode(detail), as: UTF8.self))
    }
}
