import Crypto
public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Twitch's side of EventSub webhooks, for tests: signs a notification with the shared secret as
/// Twitch does (HMAC-SHA256 of message id + timestamp + body) and posts it to a callback.
public struct EventSubNotifier: Sendable {
    public let secret: String

    public init(secret: String) { self.secret = secret }

    /// Posts a `stream.online` (with `streamID`) or `stream.offline` notification; the status.
    public func notify(
        _ callback: String, online: Bool, login: String, userID: String, streamID: String = "1",
        messageID: String = UUID().uuidString, sentAt: Date = Date()
    ) async throws -> Int {
        let timestamp = ISO8601DateFormatter().string(from: sentAt)
        let event: [String: Any] =
            online
            ? [
                "id": streamID, "broadcaster_user_id": userID, "broadcaster_user_login": login,
                "broadcaster_user_name": login, "type": "live", "started_at": timestamp,
            ]
            : ["broadcaster_user_id": userID, "broadcaster_user_login": login, "broadcaster_user_name": login]
        let type = online ? "stream.online" : "stream.offline"
        let body = try JSONSerialization.data(withJSONObject: [
            "subscription": [
                "id": UUID().uuidString, "type": type, "version": "1", "status": "enabled", "cost": 0,
                "condition": ["broadcaster_user_id": userID],
                "transport": ["method": "webhook", "callback": callback], "created_at": timestamp,
            ],
            "event": event,
        ])
        return try await Self.post(
            callback, kind: "notification", body: body, secret: secret, messageID: messageID, timestamp: timestamp
        ).status
    }

    /// Posts one signed message as Twitch does; the status and body of the answer.
    static func post(
        _ callback: String, kind: String, body: Data, secret: String, messageID: String = UUID().uuidString,
        timestamp: String = ISO8601DateFormatter().string(from: Date())
    ) async throws -> (status: Int, body: String) {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data(messageID.utf8))
        hmac.update(data: Data(timestamp.utf8))
        hmac.update(data: body)
        let signature = "sha256=" + Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
        var request = URLRequest(url: URL(string: callback)!)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in [
            ("Content-Type", "application/json"), ("Twitch-Eventsub-Message-Id", messageID),
            ("Twitch-Eventsub-Message-Timestamp", timestamp), ("Twitch-Eventsub-Message-Signature", signature),
            ("Twitch-Eventsub-Message-Type", kind),
        ] {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
