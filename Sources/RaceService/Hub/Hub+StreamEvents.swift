public import Foundation
public import SyncCore

/// News Twitch pushed about one broadcaster (an EventSub `stream.online` or `stream.offline`
/// notification), in the hub's terms.
public struct StreamEvent: Sendable, Equatable {
    /// `online`: a stream began at `startedAt`; `offline`: it ended.
    public enum Change: Sendable, Equatable {
        case online(streamID: String, startedAt: Date)
        case offline
    }

    /// Twitch's message id (a notification may be delivered more than once).
    public var messageID: String
    /// When Twitch sent it (`Twitch-Eventsub-Message-Timestamp`): orders the news of one user.
    public var sentAt: Date
    public var twitchUserID: String
    /// The broadcaster's login, for users not yet linked to their Twitch id.
    public var login: String
    public var change: Change

    public init(messageID: String, sentAt: Date, twitchUserID: String, login: String, change: Change) {
        self.messageID = messageID
        self.sentAt = sentAt
        self.twitchUserID = twitchUserID
        self.login = login
        self.change = change
    }
}

/// What recording a stream event did.
public enum StreamEventOutcome: Sendable, Equatable {
    /// This message id was seen before (by any instance): nothing done.
    case duplicate
    /// No RaceSync user is this broadcaster.
    case unknownBroadcaster
    /// Older than news already recorded for this user: nothing done.
    case outOfOrder
    /// Recorded for `user`; `changed` when their live status changed (and was logged).
    case applied(user: UUID, changed: Bool)
}

extension Hub {
    /// How long message ids are remembered: longer than Twitch's 10-minute window, beyond which
    /// a message is refused by its timestamp anyway.
    public static let eventMessageMemoryMs: Int64 = 15 * 60 * 1000

    /// Applies a push at once: the user goes live (title unknown until `recordStreamDetails` or the
    /// next poll) or offline, unless the message was seen before or older news was superseded.
    /// The poll that began before it leaves this user alone (`recordPoll`'s `startedAt`).
    public func recordStreamEvent(_ event: StreamEvent, receivedAt: Date) async throws -> StreamEventOutcome {
        try await backend.transaction { tx in
            let received = Timestamp.milliseconds(receivedAt)
            try await tx.forgetEventMessages(before: received - Self.eventMessageMemoryMs)
            guard try await tx.rememberEventMessage(event.messageID, atMs: received) else { return .duplicate }
            guard let user = try await tx.broadcaster(event) else { return .unknownBroadcaster }
            let sent = Timestamp.milliseconds(event.sentAt)
            if let last = try await tx.streamEventTimes()[user.id], last > sent { return .outOfOrder }
            try await tx.setStreamEventTime(user.id, atMs: sent)
            let current = try await tx.liveStatus()[user.id]
            let next: LiveStream? =
                switch event.change {
                case .offline: nil
                case .online(let streamID, let startedAt):
                    current?.streamID == streamID
                        ? current
                        : LiveStream(streamID: streamID, title: "", startedAt: startedAt, observedAt: receivedAt)
                }
            guard next != current else { return .applied(user: user.id, changed: false) }
            let change = LiveState(userID: user.id, stream: next)
            try await tx.setLive([change])
            try await tx.appendLog([.live(change)], atMs: received)
            return .applied(user: user.id, changed: true)
        }
    }

    /// Fills in a live stream's details (title…) learned after its `stream.online`, if the user
    /// is still live with that stream.
    public func recordStreamDetails(user: UUID, stream: LiveStream) async throws {
        try await backend.transaction { tx in
            guard let current = try await tx.liveStatus()[user], current.streamID == stream.streamID,
                current != stream
            else { return }
            let change = LiveState(userID: user, stream: stream)
            try await tx.setLive([change])
            try await tx.appendLog([.live(change)], atMs: Timestamp.milliseconds(stream.observedAt))
        }
    }
}

extension HubTransaction {
    /// The user a push is about: the one linked to its Twitch id, else the one with its login
    /// unless that user is linked to another Twitch account (the login changed hands).
    fileprivate func broadcaster(_ event: StreamEvent) async throws -> User? {
        if let linked = try await user(twitchID: event.twitchUserID) { return linked }
        guard let named = try await user(login: event.login.lowercased()) else { return nil }
        let linkedID = try await twitchID(of: named.id)
        return linkedID == nil || linkedID == event.twitchUserID ? named : nil
    }
}
