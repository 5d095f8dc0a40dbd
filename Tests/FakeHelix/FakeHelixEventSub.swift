import Foundation
import HTTPTypes
import Hummingbird

extension FakeHelixState {
    /// The subscriptions the fake holds now.
    public var subscriptions: [Subscription] { state.withLock { $0.subscriptions } }
    /// "POST stream.online 42", "DELETE id", "GET" for every subscription call, in order.
    public var subscriptionCalls: [String] { state.withLock { $0.subscriptionCalls } }

    /// The next `count` subscription calls answer `status` (429 with a reset 1 s away, 503…).
    public func failSubscriptionCalls(_ status: Int, count: Int = 1) {
        state.withLock { $0.subscriptionFailures += Array(repeating: status, count: count) }
    }

    /// Twitch revokes `broadcasterID`'s subscriptions (the user disconnected the app) and says so
    /// to each callback.
    public func revokeSubscriptions(of broadcasterID: String) async throws {
        let revoked = state.withLock { s -> [Subscription] in
            var revoked: [Subscription] = []
            for index in s.subscriptions.indices where s.subscriptions[index].broadcasterID == broadcasterID {
                s.subscriptions[index].status = "authorization_revoked"
                revoked.append(s.subscriptions[index])
            }
            return revoked
        }
        for subscription in revoked {
            let body = try JSONSerialization.data(withJSONObject: ["subscription": subscription.json])
            _ = try await EventSubNotifier.post(
                subscription.callback, kind: "revocation", body: body, secret: subscription.secret)
        }
    }
}

extension FakeHelixState.Subscription {
    var json: [String: Any] {
        [
            "id": id, "type": type, "version": "1", "status": status, "cost": 1,
            "condition": ["broadcaster_user_id": broadcasterID],
            "transport": ["method": "webhook", "callback": callback], "created_at": "2026-12-01T00:00:00Z",
        ]
    }
}

extension FakeHelixServer {
    /// The app token check and an injected failure, shared by the subscription calls.
    static func subscriptionGate(_ request: Request, _ state: FakeHelixState, _ call: String) throws -> Response? {
        state.state.withLock { $0.subscriptionCalls.append(call) }
        guard hasAppToken(request, state) else { return try error(.unauthorized, "Invalid OAuth token") }
        let failure = state.state.withLock { s in
            s.subscriptionFailures.isEmpty ? nil : s.subscriptionFailures.removeFirst()
        }
        if let failure {
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("Ratelimit-Reset")!] = String(Int(Date().timeIntervalSince1970) + 1)
            return try json(
                .init(code: failure), ["error": "injected", "status": failure, "message": "injected"], headers: headers)
        }
        return nil
    }

    static func listSubscriptions(_ request: Request, _ state: FakeHelixState) async throws -> Response {
        if let refusal = try subscriptionGate(request, state, "GET") { return refusal }
        let after = Int(request.uri.queryParameters.get("after") ?? "0") ?? 0
        let (all, pageSize) = state.state.withLock { ($0.subscriptions, $0.pageCap) }
        let page = Array(all.dropFirst(after).prefix(pageSize))
        let next = after + page.count
        return try json(
            .ok,
            [
                "data": page.map(\.json), "total": all.count, "total_cost": all.count, "max_total_cost": 10_000,
                "pagination": next < all.count ? ["cursor": String(next)] : [:],
            ])
    }

    static func createSubscription(_ request: Request, _ state: FakeHelixState) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 16)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        let type = object["type"] as? String ?? ""
        let broadcaster = (object["condition"] as? [String: Any])?["broadcaster_user_id"] as? String ?? ""
        let transport = object["transport"] as? [String: Any] ?? [:]
        let callback = transport["callback"] as? String ?? ""
        let secret = transport["secret"] as? String ?? ""
        if let refusal = try subscriptionGate(request, state, "POST \(type) \(broadcaster)") { return refusal }
        guard ["stream.online", "stream.offline"].contains(type), object["version"] as? String == "1",
            !broadcaster.isEmpty, transport["method"] as? String == "webhook", callback.hasPrefix("http"),
            (10...100).contains(secret.utf8.count)
        else {
            return try error(.badRequest, "invalid subscription request")
        }
        let created = state.state.withLock { s -> FakeHelixState.Subscription? in
            let exists = s.subscriptions.contains {
                $0.type == type && $0.broadcasterID == broadcaster && $0.callback == callback
                    && ["enabled", "webhook_callback_verification_pending"].contains($0.status)
            }
            guard !exists else { return nil }
            let subscription = FakeHelixState.Subscription(
                id: UUID().uuidString.lowercased(), type: type, broadcasterID: broadcaster, callback: callback,
                secret: secret, status: "webhook_callback_verification_pending")
            s.subscriptions.append(subscription)
            return subscription
        }
        guard let created else { return try error(.conflict, "subscription already exists") }
        // Twitch verifies the callback right after answering: the challenge must come back as the body.
        Task {
            let challenge = UUID().uuidString
            let message = try JSONSerialization.data(withJSONObject: [
                "challenge": challenge, "subscription": created.json,
            ])
            let answer = try? await EventSubNotifier.post(
                callback, kind: "webhook_callback_verification", body: message, secret: secret)
            let verified = answer?.status == 200 && answer?.body == challenge
            state.state.withLock { s in
                if let index = s.subscriptions.firstIndex(where: { $0.id == created.id }) {
                    s.subscriptions[index].status = verified ? "enabled" : "webhook_callback_verification_failed"
                }
            }
        }
        return try json(
            .accepted, ["data": [created.json], "total": 1, "total_cost": 1, "max_total_cost": 10_000])
    }

    static func deleteSubscription(_ request: Request, _ state: FakeHelixState) async throws -> Response {
        let id = request.uri.queryParameters.get("id") ?? ""
        if let refusal = try subscriptionGate(request, state, "DELETE \(id)") { return refusal }
        let removed = state.state.withLock { s -> Bool in
            let before = s.subscriptions.count
            s.subscriptions.removeAll { $0.id == id }
            return s.subscriptions.count < before
        }
        return removed ? Response(status: .noContent) : try error(.notFound, "subscription not found")
    }
}
