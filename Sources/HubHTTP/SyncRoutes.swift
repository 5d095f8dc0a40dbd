import Foundation
import Hummingbird
import RaceService
import SyncCore

/// `POST /api/sync/push` and `GET /api/sync/pull` (CONTRACT §3).
struct SyncRoutes {
    let store: Hub
    let metrics: HubMetrics
    let longPolls: LongPollLimiter
    let quota: WriteQuota
    /// Longest long-poll a pull may ask for (`wait`, seconds).
    static let maxWait = 30

    func register(on router: Router<HubContext>) {
        let users = router.authenticated(by: store)
        users.post(RouterPath(HubPaths.push)) { request, context in
            let caller = try context.caller()
            // A plain push is read without JSONDecoder; anything else by it, which accepts it or
            // says what is wrong.
            let push = try await HTTPIO.body(PushRequest.self, request, context, fast: PushRequestDecoder.decode)
            guard push.ops.count <= PushRequest.maxOps else {
                throw APIError.malformed(
                    "a push carries at most \(PushRequest.maxOps) ops, this one has \(push.ops.count)")
            }
            guard HLC.isValidNode(push.nodeID) else {
                throw APIError.malformed("field 'node_id' must be 1-64 bytes")
            }
            try quota.take(ops: push.ops.count, user: caller.id)
            let start = ContinuousClock.now
            let ops = push.ops
            let response = try await store.push(ops, caller: caller.id)
            metrics.pushed(response.results, duration: ContinuousClock.now - start)
            return HTTPIO.raw(Data(response.fastJSON.utf8))
        }
        users.get(RouterPath(HubPaths.pull)) { request, context in
            let caller = try context.caller()
            var since: PullCursor?
            if let text = request.uri.queryParameters.get("since") {
                guard let cursor = PullCursor(String(text)) else {
                    throw APIError.malformed("query parameter 'since' is not a cursor this hub issued")
                }
                since = cursor
            }
            let limit = try HTTPIO.intQuery(
                request, "limit", in: 1...PullPage.maxLimit, fallback: PullPage.defaultLimit)
            var wait = try HTTPIO.intQuery(request, "wait", in: 0...Self.maxWait, fallback: 0)
            // Past the caller's few waiting slots, the pull is answered at once with what there is.
            let client = context.clientAddress
            let holdsSlot = wait > 0 && longPolls.acquire(caller.id, client: client)
            if !holdsSlot { wait = 0 }
            defer { if holdsSlot { longPolls.release(caller.id, client: client) } }
            let deadline = ContinuousClock.now + .seconds(wait)
            while true {
                let generation = store.changeSignal.generation
                let cursor = since
                let batch = try await store.pull(since: cursor, limit: limit)
                let remaining = deadline - ContinuousClock.now
                if !batch.entries.isEmpty || batch.reset || remaining <= .zero || Task.isCancelled {
                    metrics.pulled(batch.entries.count)
                    return HTTPIO.raw(batch.json())
                }
                await store.changeSignal.wait(since: generation, timeout: remaining)
            }
        }
    }
}
