/// An EventSub subscription as Twitch lists it (the parts the plan reads).
public struct EventSubSubscription: Sendable, Equatable {
    public var id: String
    /// `stream.online` or `stream.offline` (others are not ours to touch).
    public var type: String
    public var status: String
    public var broadcasterID: String
    public var callback: String

    public init(id: String, type: String, status: String, broadcasterID: String, callback: String) {
        self.id = id
        self.type = type
        self.status = status
        self.broadcasterID = broadcasterID
        self.callback = callback
    }

    /// Working or about to: Twitch delivers, or is verifying the callback.
    public var isAlive: Bool { status == "enabled" || status == "webhook_callback_verification_pending" }
}

/// Which subscriptions to create and delete so that every wanted broadcaster has a live
/// `stream.online` and `stream.offline` subscription to `callback`, and no other broadcaster has
/// one, as a pure function. Subscriptions to another callback are someone else's and left alone;
/// failed ones (revoked, verification failed, too many failed deliveries) are deleted and, when
/// still wanted, made again.
public enum SubscriptionPlan {
    /// The two subscription types the hub keeps per broadcaster.
    public static let types = ["stream.online", "stream.offline"]

    public struct Steps: Sendable, Equatable {
        /// (type, broadcaster id) pairs to subscribe, in order.
        public var create: [(type: String, broadcasterID: String)]
        /// Subscription ids to delete.
        public var delete: [String]

        public init(create: [(type: String, broadcasterID: String)], delete: [String]) {
            self.create = create
            self.delete = delete
        }

        public static func == (lhs: Steps, rhs: Steps) -> Bool {
            lhs.delete == rhs.delete
                && lhs.create.map { "\($0.type) \($0.broadcasterID)" }
                    == rhs.create.map { "\($0.type) \($0.broadcasterID)" }
        }
    }

    public static func steps(wanted: Set<String>, existing: [EventSubSubscription], callback: String) -> Steps {
        let ours = existing.filter { $0.callback == callback && types.contains($0.type) }
        var delete: [String] = []
        var alive = Set<String>()
        for subscription in ours {
            let key = subscription.type + " " + subscription.broadcasterID
            if subscription.isAlive, wanted.contains(subscription.broadcasterID), !alive.contains(key) {
                alive.insert(key)
            } else {
                delete.append(subscription.id)
            }
        }
        var create: [(type: String, broadcasterID: String)] = []
        for broadcaster in wanted.sorted() {
            for type in types where !alive.contains(type + " " + broadcaster) {
                create.append((type, broadcaster))
            }
        }
        return Steps(create: create, delete: delete.sorted())
    }

    /// The broadcasters whose both subscriptions are `enabled`: Twitch pushes their news, so the
    /// poll may visit them less often.
    public static func covered(_ existing: [EventSubSubscription], callback: String) -> Set<String> {
        var enabled: [String: Set<String>] = [:]
        for subscription in existing where subscription.callback == callback && subscription.status == "enabled" {
            enabled[subscription.broadcasterID, default: []].insert(subscription.type)
        }
        return Set(enabled.filter { $0.value.isSuperset(of: types) }.keys)
    }
}
