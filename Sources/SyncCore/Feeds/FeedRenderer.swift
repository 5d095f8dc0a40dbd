public import Foundation

/// Renders a `LiveFeed` as Atom 1.0 (RFC 4287), RSS 2.0 or JSON Feed 1.1 bytes. Pure: the same
/// feed gives the same bytes, so the ETag changes only when the content does.
public enum FeedRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case atom, rss, json

        public var contentType: String {
            switch self {
            case .atom: return "application/atom+xml; charset=utf-8"
            case .rss: return "application/rss+xml; charset=utf-8"
            case .json: return "application/feed+json"
            }
        }
    }

    public static func render(_ feed: LiveFeed, as format: Format) -> Data {
        switch format {
        case .atom: return atom(feed)
        case .rss: return rss(feed)
        case .json: return JSONFeedRenderer.render(feed)
        }
    }

    public static func atom(_ feed: LiveFeed) -> Data {
        let e = XMLText.escape
        var x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        x += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        x += "  <id>\(e(feed.id))</id>\n"
        x += "  " + atomText("title", feed.title) + "\n"
        x += "  " + atomText("subtitle", feed.subtitle) + "\n"
        x += "  <updated>\(rfc3339(feed.updated))</updated>\n"
        x += "  <author><name>RaceSync</name></author>\n"
        x += "  <generator>RaceSync</generator>\n"
        x += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(e(feed.selfURLBase + ".atom"))\"/>\n"
        x += "  <link rel=\"alternate\" type=\"application/json\" href=\"\(e(feed.alternateURL))\"/>\n"
        if let hub = feed.hubURL { x += "  <link rel=\"hub\" href=\"\(e(hub))\"/>\n" }
        for item in feed.items {
            x += "  <entry>\n"
            x += "    <id>\(e(item.id))</id>\n"
            x += "    " + atomText("title", item.title) + "\n"
            x += "    <updated>\(rfc3339(item.startedAt))</updated>\n"
            x += "    <published>\(rfc3339(item.startedAt))</published>\n"
            x += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(e(item.streamURL))\"/>\n"
            x += "    " + atomText("summary", item.streamTitle) + "\n"
            x += "  </entry>\n"
        }
        x += "</feed>\n"
        return Data(x.utf8)
    }

    public static func rss(_ feed: LiveFeed) -> Data {
        let e = XMLText.escape
        var x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        x += "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
        x += "  <channel>\n"
        x += "    <title>\(XMLText.rssPlain(feed.title))</title>\n"
        x += "    <link>\(e(feed.alternateURL))</link>\n"
        x += "    <description>\(XMLText.html(feed.subtitle))</description>\n"
        x += "    <atom:link href=\"\(e(feed.selfURLBase + ".rss"))\" rel=\"self\" type=\"application/rss+xml\"/>\n"
        if let hub = feed.hubURL { x += "    <atom:link href=\"\(e(hub))\" rel=\"hub\"/>\n" }
        x += "    <lastBuildDate>\(Timestamp.rfc1123(feed.updated, zone: "+0000"))</lastBuildDate>\n"
        x += "    <generator>RaceSync</generator>\n"
        x += "    <docs>https://www.rssboard.org/rss-specification</docs>\n"
        x += "    <ttl>1</ttl>\n"
        for item in feed.items {
            x += "    <item>\n"
            x += "      <title>\(XMLText.rssPlain(item.title))</title>\n"
            x += "      <link>\(e(item.streamURL))</link>\n"
            x += "      <guid isPermaLink=\"false\">\(e(item.id))</guid>\n"
            x += "      <pubDate>\(Timestamp.rfc1123(item.startedAt, zone: "+0000"))</pubDate>\n"
            x += "      <description>\(XMLText.html(item.streamTitle))</description>\n"
            x += "    </item>\n"
        }
        x += "  </channel>\n"
        x += "</rss>\n"
        return Data(x.utf8)
    }

    /// An Atom text construct whose `type` matches its content: plain text stays `type="text"`;
    /// text that could be read as markup (`<`, `&`) becomes `type="html"`, escaped for HTML and
    /// then for XML, so every reader shows it literally and validators see declared HTML.
    static func atomText(_ tag: String, _ text: String) -> String {
        if text.contains(where: { $0 == "<" || $0 == "&" || $0 == ">" }) {
            return "<\(tag) type=\"html\">\(XMLText.html(text))</\(tag)>"
        }
        return "<\(tag) type=\"text\">\(XMLText.escape(text))</\(tag)>"
    }

    /// Feed dates without fractions (RFC 3339 `date-time`, seconds precision).
    static func rfc3339(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return String(text.prefix(19)) + "Z"
    }
}
