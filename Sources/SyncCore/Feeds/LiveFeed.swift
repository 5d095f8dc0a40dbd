public import Foundation

/// A live-now feed, independent of its format: what the renderers turn into bytes.
public struct LiveFeed: Sendable, Equatable {
    /// A permanent URI identifying the feed (Atom `id`).
    public var id: String
    public var title: String
    public var subtitle: String
    /// Where the feed is served, without the `.atom`/`.rss` extension the renderer adds.
    public var selfURLBase: String
    /// A page about the feed's subject (Atom alternate link, RSS channel link).
    public var alternateURL: String
    /// The WebSub hub readers may subscribe at for pushes (`rel="hub"`); nil for none.
    public var hubURL: String?
    /// Newest first, at most `maxItems`.
    public var items: [LiveFeedItem]

    /// A feed holds at most this many items: the newest.
    public static let maxItems = 500

    public init(
        id: String, title: String, subtitle: String, selfURLBase: String, alternateURL: String, hubURL: String? = nil,
        items: [LiveFeedItem]
    ) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.selfURLBase = selfURLBase
        self.alternateURL = alternateURL
        self.hubURL = hubURL
        self.items = Array(items.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }.prefix(Self.maxItems))
    }

    /// The feed's own time: the newest item's start, or a fixed epoch when empty, so the
    /// bytes change only when the content does.
    public var updated: Date { items.map(\.startedAt).max() ?? Date(timeIntervalSince1970: 0) }
}

/// One live stream session of one member of one race.
public struct LiveFeedItem: Sendable, Equatable {
    /// `urn:uuid:` of a name-based UUID of the race id and Twitch's stream id: the same for the
    /// whole session, new for the next one, and the same on the hub and every replica.
    public var id: String
    public var title: String
    public var streamURL: String
    public var startedAt: Date
    /// The stream's own title, as plain text.
    public var streamTitle: String
    public var streamer: String

    public init(id: String, title: String, streamURL: String, startedAt: Date, streamTitle: String, streamer: String) {
        self.id = id
        self.title = title
        self.streamURL = streamURL
        self.startedAt = startedAt
        self.streamTitle = streamTitle
        self.streamer = streamer
    }
}

/// Ids of feeds and items.
public enum FeedIDs {
    static let namespace = UUID(uuidString: "3d9b1e6c-52f0-5a8e-b7c4-91d2e0f4a6b3")!

    /// The item id of a stream session in a race.
    public static func item(race: UUID, streamID: String) -> String {
        "urn:uuid:" + NameBasedUUID.make(namespace: namespace, race.bytes + Array("stream:\(streamID)".utf8)).lowercased
    }

    /// The id of the feed of every active race, or of one race.
    public static func feed(race: UUID?) -> String {
        let name = race.map { Array("race-feed:".utf8) + $0.bytes } ?? Array("all-races-feed".utf8)
        return "urn:uuid:" + NameBasedUUID.make(namespace: namespace, name).lowercased
    }
}
