import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RaceService
import SyncCore

/// `POST /twitch/eventsub` (CONTRACT §5): Twitch's webhook. The signature is checked before
/// anything is parsed (`403` when wrong); a message older than 10 minutes or seen before (by any
/// instance: the ids are in the store) has no effect; a verification request is answered with its
/// challenge; `stream.online` and `stream.offline` are applied at once; a revocation is logged, and
/// the poll (which never stops) covers that broadcaster.
struct EventSubRoutes {
    let store: Hub
    let secret: EventSubSecret
    /// Fills in a new stream's title; nil leaves it to the next poll.
    let lookup: (any StreamLookup)?
    var now: @Sendable () -> Date = { Date() }

    /// Twitch's messages are small; a larger body is refused before it is read.
    static let maxBodyBytes = 64 * 1024
    /// Messages older than this are replays (Twitch's own advice).
    static let maxAge: TimeInterval = 10 * 60

    static let messageID = HTTPField.Name("Twitch-Eventsub-Message-Id")!
    static let timestamp = HTTPField.Name("Twitch-Eventsub-Message-Timestamp")!
    static let signature = HTTPField.Name("Twitch-Eventsub-Message-Signature")!
    static let messageType = HTTPField.Name("Twitch-Eventsub-Message-Type")!

    func register(on router: Router<HubContext>) {
        router.post(RouterPath(HubPaths.eventSub)) { request, context in
            var request = request
            let body: Data
            do { body = Data(buffer: try await request.collectBody(upTo: Self.maxBodyBytes)) } catch {
                throw APIError(.contentTooLarge, "an EventSub message is at most \(Self.maxBodyBytes / 1024) KiB")
            }
            guard let id = request.headers[Self.messageID], let sent = request.headers[Self.timestamp],
                EventSubSignature.isValid(
                    request.headers[Self.signature], secret: secret, messageID: id, timestamp: sent, body: body)
            else {
                throw APIError(.forbidden, "the EventSub message signature is missing or wrong")
            }
            return try await answer(
                id: id, sent: sent, kind: request.headers[Self.messageType], body: body, logger: context.logger)
        }
    }

    /// What a signed message gets.
    private func answer(id: String, sent: String, kind: String?, body: Data, logger: Logger) async throws -> Response {
        let received = now()
        guard let sentAt = Timestamp.parse(sent), received.timeIntervalSince(sentAt) <= Self.maxAge else {
            logger.notice("EventSub message ignored: stale or unreadable timestamp", metadata: ["sent": "\(sent)"])
            return Response(status: .noContent)
        }
        let message: EventSubMessage
        do { message = try WireJSON.decoder().decode(EventSubMessage.self, from: body) } catch {
            throw APIError.malformed("EventSub message: \(WireJSON.describe(error))")
        }
        switch kind.flatMap(EventSubMessage.Kind.init(rawValue:)) {
        case .verification:
            guard let challenge = message.challenge else {
                throw APIError.malformed("verification without a challenge")
            }
            logger.info("EventSub subscription verified", metadata: ["type": "\(message.subscription.type)"])
            return Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: challenge)))
        case .revocation:
            logger.warning(
                "EventSub subscription revoked; polling covers it",
                metadata: ["type": "\(message.subscription.type)", "status": "\(message.subscription.status ?? "?")"])
        case .notification:
            guard let event = message.streamEvent(messageID: id, sentAt: sentAt) else { break }
            let outcome = try await store.recordStreamEvent(event, receivedAt: received)
            if case .applied(let user, true) = outcome, case .online = event.change {
                await fillDetails(user: user, login: event.login, logger: logger)
            }
        case nil:
            logger.notice("EventSub message of an unknown type ignored", metadata: ["type": "\(kind ?? "none")"])
        }
        return Response(status: .noContent)
    }

    /// One Helix call for the title of a stream that just went live; a failure leaves it to the poll.
    private func fillDetails(user: UUID, login: String, logger: Logger) async {
        guard let lookup else { return }
        do {
            if let stream = try await lookup.liveStream(login: login, observedAt: now()) {
                try await store.recordStreamDetails(user: user, stream: stream)
            }
        } catch {
            logger.notice("stream details not fetched; the next poll fills them", metadata: ["error": "\(error)"])
        }
    }
}
