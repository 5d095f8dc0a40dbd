public import Foundation

/// Renders a `LiveFeed` as JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same items,
/// with the same ids, as the Atom and RSS renderings. Written by hand in a fixed key order, so
/// the same feed always gives the same bytes (and ETag).
public enum JSONFeedRenderer {
    public static let version = "https://jsonfeed.org/version/1.1"

    public static func render(_ feed: LiveFeed) -> Data {
        let q = JSONText.quote
        var j = "{\n"
        j += "  \"version\": \(q(version)),\n"
        j += "  \"title\": \(q(feed.title)),\n"
        j += "  \"home_page_url\": \(q(feed.alternateURL)),\n"
        j += "  \"feed_url\": \(q(feed.selfURLBase + ".json")),\n"
        j += "  \"description\": \(q(feed.subtitle)),\n"
        j += "  \"authors\": [{\"name\": \"RaceSync\"}],\n"
        if let hub = feed.hubURL { j += "  \"hubs\": [{\"type\": \"WebSub\", \"url\": \(q(hub))}],\n" }
        j += "  \"items\": ["
        for (index, item) in feed.items.enumerated() {
            j += index == 0 ? "\n" : ",\n"
            j += "    {\n"
            j += "      \"id\": \(q(item.id)),\n"
            j += "      \"url\": \(q(item.streamURL)),\n"
            j += "      \"title\": \(q(item.title)),\n"
            j += "      \"content_text\": \(q(item.streamTitle)),\n"
            j += "      \"date_published\": \(q(FeedRenderer.rfc3339(item.startedAt))),\n"
            j += "      \"authors\": [{\"name\": \(q(item.streamer)), \"url\": \(q(item.streamURL))}]\n"
            j += "    }"
        }
        j += feed.items.isEmpty ? "]\n" : "\n  ]\n"
        j += "}\n"
        return Data(j.utf8)
    }
}
