import Foundation
import HTTPTypes
public import Hummingbird
public import RaceService
import ServiceLifecycle
import SyncCore
import Synchronization

/// One state of a page's live section: what an event sends.
public struct PageState: Sendable {
    /// The event id: the hub's change-log cursor, or a tag of the HTML on a node.
    public var id: String
    public var html: String
    public var summary: PageSummary
    /// Set for a JSON stream (`GET /api/races/{id}/events`): the race's detail as JSON, sent as
    /// `event: race_state` instead of the page's HTML.
    public var raceJSON: String?

    public init(id: String, html: String, summary: PageSummary) {
        self.id = id
        self.html = html
        self.summary = summary
    }

    /// A race's state for the JSON stream: `{"type": "race_state", "cursor", "race"}`.
    public static func race(cursor: String, detailJSON: String) -> PageState {
        var state = PageState(
            id: cursor, html: detailJSON, summary: PageSummary(status: nil, live: [], casters: [], participants: []))
        state.raceJSON = detailJSON
        return state
    }

    /// The `race_state` message of a JSON stream (SSE data, or a WebSocket text message); nil
    /// for a page's state.
    public var raceStateMessage: String? {
        raceJSON.map { "{\"type\":\"race_state\",\"cursor\":\(JSONText.quote(id)),\"race\":\($0)}" }
    }
}

/// Server-Sent Events of a page (`text/event-stream`): an `event: page` with the new HTML of
/// the page's live section and sentences saying what changed, every time it changes; a
/// comment as heartbeat so proxies keep the stream open. A reconnect sends `Last-Event-ID`
/// (or a first connection `?since=`, the position the page was rendered at): the stream sends
/// the current state at once only when it moved past that. Streams are bounded: a cap on open
/// ones (more get `503` with `Retry-After`), a lifetime after which the browser reconnects
/// and resumes, and an end on graceful shutdown.
public struct PageEvents: Sendable {
    /// How long a stream waits for a signal before it looks again anyway.
    public var recheck: Duration
    public var heartbeat: Duration = .seconds(15)
    public var lifetime: Duration = .seconds(300)
    /// Milliseconds a browser waits before reconnecting.
    public var retryMs = 2000
    public let slots: StreamSlots

    public init(recheck: Duration, slots: StreamSlots) {
        self.recheck = recheck
        self.slots = slots
    }

    /// The position a client has seen: `Last-Event-ID`, else `?since=`; absurd values are ignored.
    public static func resumePoint(_ request: Request) -> String? {
        let given =
            request.headers[.lastEventID]
            ?? request.uri.queryParameters.get("since").map { String($0) }
        guard let given, !given.isEmpty, given.utf8.count <= 200 else { return nil }
        return given
    }

    /// The stream response. `render` reads the current state (nil: the page is gone, the
    /// stream ends); `signal` wakes the stream when the store commits.
    /// `client` (an IP address) counts against the per-client cap; nil for none (the node's own pages).
    public func response(
        _ request: Request, client: String? = nil, signal: ChangeSignal,
        render: @escaping @Sendable () async throws -> PageState?
    ) -> Response {
        // Checked here to answer 429/503; taken in the body, which always gives it back.
        if let refusal = slots.refusal(client: client) { return refusal.response }
        let seen = Self.resumePoint(request)
        let settings = self
        let body = ResponseBody { writer in
            guard settings.slots.take(client: client) else {
                try await writer.finish(nil)
                return
            }
            defer { settings.slots.give(client: client) }
            let stopping = StopFlag()
            try await withTaskCancellationOrGracefulShutdownHandler {
                try await settings.stream(into: &writer, seen: seen, signal: signal, stopping: stopping, render: render)
            } onCancelOrGracefulShutdown: {
                stopping.stop()
                signal.notify()
            }
            try await writer.finish(nil)
        }
        var headers = WebPage.securityHeaders
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.accelBuffering] = "no"
        return Response(status: .ok, headers: headers, body: body)
    }

    private func stream(
        into writer: inout any ResponseBodyWriter, seen: String?, signal: ChangeSignal, stopping: StopFlag,
        render: @Sendable () async throws -> PageState?
    ) async throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: lifetime)
        var lastID = seen
        var lastHTML: String?
        var lastSummary: PageSummary?
        var lastWrite = clock.now
        try await writer.write(ByteBuffer(string: "retry: \(retryMs)\n\n"))
        while clock.now < end, !stopping.isStopped {
            let generation = signal.generation
            guard let state = try await render() else { return }
            if state.id != lastID, state.html != lastHTML {
                let changes = lastSummary.map { $0.changes(to: state.summary) } ?? []
                try await writer.write(ByteBuffer(string: Self.event(state, changes: changes)))
                lastHTML = state.html
                lastWrite = clock.now
            }
            lastID = state.id
            lastSummary = state.summary
            // The wait ends at the stream's lifetime at the latest: the lifetime is a timer, not a
            // check between writes (a write that cannot finish is cut by the connection's write timeout).
            await signal.wait(since: generation, timeout: max(.zero, min(recheck, heartbeat, end - clock.now)))
            if stopping.isStopped { return }
            if clock.now - lastWrite >= heartbeat {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = clock.now
            }
        }
    }

    /// `id:`, `event: page` (or `race_state`) and one `data:` line of JSON (which never holds a raw newline).
    static func event(_ state: PageState, changes: [String]) -> String {
        let id = state.id.filter { $0 != "\n" && $0 != "\r" }
        if let message = state.raceStateMessage { return "id: \(id)\nevent: race_state\ndata: \(message)\n\n" }
        let list = changes.map(JSONText.quote).joined(separator: ",")
        return "id: \(id)\nevent: page\ndata: {\"html\":\(JSONText.quote(state.html)),\"changes\":[\(list)]}\n\n"
    }
}

/// Set once a stream must end (cancelled, or the server shuts down gracefully).
final class StopFlag: Sendable {
    private let stopped = Atomic(false)
    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

/// A cap on open event streams.
public final class StreamSlots: Sendable {
    public let limit: Int
    /// Streams one client (IP address) may hold at once.
    public let perClient: PerClientCount
    private let open = Mutex(0)

    public init(limit: Int, perClient: Int = 8) {
        self.limit = limit
        self.perClient = PerClientCount(limit: perClient)
    }

    public var available: Bool { open.withLock { $0 < limit } }
    public var held: Int { open.withLock { $0 } }

    func acquire() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { open.withLock { $0 = max(0, $0 - 1) } }

    /// Why a stream of `client` (nil: not counted per client) cannot open now; nil when it can.
    public func refusal(client: String?) -> Refusal? {
        guard available else { return .full }
        if let client, perClient.held(by: client) >= perClient.limit { return .clientFull }
        return nil
    }

    /// Takes a slot (and one of `client`'s); false, taking nothing, when there is none.
    public func take(client: String?) -> Bool {
        if let client, !perClient.acquire(client) { return false }
        guard acquire() else {
            if let client { perClient.release(client) }
            return false
        }
        return true
    }

    /// Gives back what `take` took.
    public func give(client: String?) {
        release()
        if let client { perClient.release(client) }
    }

    /// A full cap: `503` in all, `429` for one client, both with `Retry-After`.
    public enum Refusal: Sendable {
        case full, clientFull

        public var status: HTTPResponse.Status { self == .full ? .serviceUnavailable : .tooManyRequests }
        public var message: String {
            self == .full
                ? "too many open event streams; retry later"
                : "too many open event streams from your address; close some and retry later"
        }

        /// The plain-text answer an event stream gets.
        public var response: Response {
            Response(
                status: status, headers: [.retryAfter: "30", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
        }
    }
}
