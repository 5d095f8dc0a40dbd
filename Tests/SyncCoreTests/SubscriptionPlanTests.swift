import SyncCore
import Testing

/// `SubscriptionPlan`: what to create and delete so each wanted broadcaster has one live
/// subscription of each type to our callback, and nobody else has one.
@Suite struct SubscriptionPlanTests {
    static let ours = "https://races.example.org/twitch/eventsub"

    static func sub(
        _ id: String, _ type: String, _ broadcaster: String, _ status: String = "enabled", callback: String = ours
    )
        -> EventSubSubscription
    {
        EventSubSubscription(id: id, type: type, status: status, broadcasterID: broadcaster, callback: callback)
    }

    @Test func missingAreMadeUnwantedFailedAndDoubledAreDeletedOthersAreLeft() {
        let existing = [
            Self.sub("a1", "stream.online", "1"), Self.sub("a2", "stream.offline", "1"),  // wanted, alive
            Self.sub("b1", "stream.online", "2", "webhook_callback_verification_pending"),  // alive, pending
            Self.sub("b2", "stream.offline", "2", "authorization_revoked"),  // failed: delete, make again
            Self.sub("c1", "stream.online", "3"),  // not wanted any more
            Self.sub("d1", "stream.online", "1"),  // a second one for the same pair
            Self.sub("e1", "stream.online", "9", callback: "https://elsewhere/cb"),  // someone else's
            Self.sub("f1", "channel.follow", "1"),  // a type we do not manage
        ]
        let steps = SubscriptionPlan.steps(wanted: ["1", "2", "4"], existing: existing, callback: Self.ours)
        #expect(steps.delete == ["b2", "c1", "d1"])
        #expect(
            steps.create.map { "\($0.type) \($0.broadcasterID)" } == [
                "stream.offline 2", "stream.online 4", "stream.offline 4",
            ])
        // Covered means both enabled, on our callback.
        #expect(SubscriptionPlan.covered(existing, callback: Self.ours) == ["1"])
        // Nothing wanted: every one of ours goes, nothing else.
        let none = SubscriptionPlan.steps(wanted: [], existing: existing, callback: Self.ours)
        #expect(none.create.isEmpty && none.delete == ["a1", "a2", "b1", "b2", "c1", "d1"])
    }
}
