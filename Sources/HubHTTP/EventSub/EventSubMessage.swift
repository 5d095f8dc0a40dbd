import Foundation
import RaceService
import SyncCore

/// The parts of an EventSub webhook message the hub reads (Twitch's JSON, read only after its
/// signature was checked).
struct EventSubMessage: Decodable {
    struct Subscription: Decodable {
        var id: String
        var type: String
        var status: String?
    }

    struct Event: Decodable {
        /// The stream's id (`stream.online` only).
        var id: String?
        var broadcasterUserID: String
        var broadcasterUserLogin: String
        /// `live` for a stream that is live (`stream.online` only; also `playlist`, `premiere`…).
        var type: String?
        var startedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, type
            case broadcasterUserID = "broadcaster_user_id"
            case broadcasterUserLogin = "broadcaster_user_login"
            case startedAt = "started_at"
        }
    }

    var subscription: Subscription
    var event: Event?
    /// The verification request's challenge.
    var challenge: String?

    /// The message types of `Twitch-Eventsub-Message-Type`.
    enum Kind: String {
        case notification
        case verification = "webhook_callback_verification"
        case revocation
    }

    /// A `stream.online` or `stream.offline` notification as the hub's `StreamEvent`; nil for
    /// other subscription types, and for a stream that is not `live` (a rerun, a premiere).
    func streamEvent(messageID: String, sentAt: Date) -> StreamEvent? {
        guard let event else { return nil }
        let change: StreamEvent.Change
        switch subscription.type {
        case "stream.online":
            guard event.type == nil || event.type == "live", let id = event.id,
                let startedAt = event.startedAt.flatMap(Timestamp.parse)
            else { return nil }
            change = .online(streamID: id, startedAt: startedAt)
        case "stream.offline":
            change = .offline
        default:
            return nil
        }
        return StreamEvent(
            messageID: messageID, sentAt: sentAt, twitchUserID: event.broadcasterUserID,
            login: event.broadcasterUserLogin, change: change)
    }
}
