import Foundation
import Testing

@testable import SyncCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Renderers against golden files, XML well-formedness, and escaping.
@Suite struct FeedRendererTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("fixtures/feeds")
    static let race = UUID(uuidString: "3f2a1b4c-0000-4000-8000-00000000abcd")!

    static func item(
        _ streamer: String, login: String? = nil, stream: String, title: String, at seconds: TimeInterval,
        role: String = "caster"
    ) -> LiveFeedItem {
        LiveFeedItem(
            id: FeedIDs.item(race: race, streamID: stream), title: "\(streamer) is live (\(role)) in Any% Glitchless",
            streamURL: "https://twitch.tv/\(login ?? streamer.lowercased())",
            startedAt: Date(timeIntervalSince1970: seconds),
            streamTitle: title, streamer: streamer)
    }

    static func feed(_ items: [LiveFeedItem]) -> LiveFeed {
        LiveFeed(
            id: FeedIDs.feed(race: nil), title: "RaceSync: live now",
            subtitle: "Participants and casters of active races who are live on Twitch",
            selfURLBase: "https://races.example.org/feeds/live", alternateURL: "https://races.example.org/api/races",
            hubURL: "https://races.example.org/websub", items: items)
    }

    /// The fixed states the golden files hold.
    static let states: [(name: String, feed: LiveFeed)] = [
        ("empty", feed([])),
        ("one", feed([item("Alice", stream: "40952121085", title: "Any% race, casting with Bob", at: 1_790_000_000)])),
        (
            "several",
            feed([
                item("Alice", stream: "1001", title: "Practice", at: 1_790_000_000, role: "participant"),
                item("Bob_99", stream: "1002", title: "Casting the final", at: 1_790_000_600),
                item("Carol", stream: "1003", title: "Warm-up", at: 1_789_999_000),
            ])
        ),
        (
            "hostile",
            feed([
                item(
                    "M&M <script>", login: "mm_script", stream: "666",
                    title: "<b>Bold</b> & \"quoted\" 'single' 🏁🎮 tab\there \u{01}bell\u{07} \u{FFFE}", at: 1_790_000_000
                )
            ])
        ),
    ]

    @Test(arguments: ["empty", "one", "several", "hostile"], FeedRenderer.Format.allCases)
    func matchesTheGoldenFile(_ name: String, _ format: FeedRenderer.Format) throws {
        let feed = try #require(Self.states.first { $0.name == name }?.feed)
        let rendered = FeedRenderer.render(feed, as: format)
        let file = Self.fixtures.appendingPathComponent("\(name).\(format.rawValue)\(format == .json ? "" : ".xml")")
        if ProcessInfo.processInfo.environment["RACESYNC_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: file)
        }
        let golden = try Data(contentsOf: file)
        #expect(
            rendered == golden,
            "regenerate with RACESYNC_UPDATE_GOLDEN=1 swift test --filter FeedRendererTests after checking the change")
    }

    static let xmlFormats: [FeedRenderer.Format] = [.atom, .rss]

    @Test(arguments: ["empty", "one", "several", "hostile"], Self.xmlFormats)
    func parsesAsXML(_ name: String, _ format: FeedRenderer.Format) throws {
        let feed = try #require(Self.states.first { $0.name == name }?.feed)
        let delegate = ElementCounter()
        let parser = XMLParser(data: FeedRenderer.render(feed, as: format))
        parser.delegate = delegate
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let itemTag = format == .atom ? "entry" : "item"
        #expect(delegate.counts[itemTag, default: 0] == feed.items.count)
        #expect(delegate.texts.contains { $0.contains("🏁") } == (name == "hostile"))
    }

    @Test func escapingOfHostileText() {
        let feed = Self.states.first { $0.name == "hostile" }!.feed
        let rss = String(decoding: FeedRenderer.rss(feed), as: UTF8.self)
        #expect(rss.contains("<title>M&#x26;M &#x3C;script&#x3E; is live"))
        #expect(!rss.contains("\u{01}") && !rss.contains("\u{07}") && !rss.contains("\u{FFFE}"))
        // RSS description holds HTML: the title is escaped for HTML, then for XML.
        #expect(
            rss.contains(
                "<description>&amp;lt;b&amp;gt;Bold&amp;lt;/b&amp;gt; &amp;amp; &amp;quot;quoted&amp;quot; 'single'"))
        let atom = String(decoding: FeedRenderer.atom(feed), as: UTF8.self)
        // Markup-looking Atom text is declared HTML and escaped twice; plain text stays text.
        #expect(
            atom.contains(
                "<summary type=\"html\">&amp;lt;b&amp;gt;Bold&amp;lt;/b&amp;gt; &amp;amp; &amp;quot;quoted&amp;quot; 'single'"
            ))
        #expect(atom.contains("<title type=\"html\">M&amp;amp;M &amp;lt;script&amp;gt; is live"))
        #expect(atom.contains("<title type=\"text\">RaceSync: live now</title>"))
        #expect(atom.contains("🏁🎮"))
    }

    /// From the feed round-trip fuzzer: carriage returns, an entity followed by a combining
    /// mark, bytes that were not UTF-8. A reader must get back exactly the stream title.
    /// JSON Feed carries every title as it is: parsed back, each field is the text itself, and
    /// the items are the XML feeds' items (same ids, same order).
    @Test(arguments: ["empty", "one", "several", "hostile"])
    func jsonFeedReadsBackExactly(_ name: String) throws {
        let feed = try #require(Self.states.first { $0.name == name }?.feed)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: FeedRenderer.render(feed, as: .json)) as? [String: Any])
        #expect(parsed["version"] as? String == "https://jsonfeed.org/version/1.1")
        #expect(parsed["title"] as? String == feed.title)
        let items = try #require(parsed["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == feed.items.map(\.id))
        #expect(items.map { $0["title"] as? String } == feed.items.map(\.title))
        #expect(items.map { $0["content_text"] as? String } == feed.items.map(\.streamTitle))
        #expect(items.map { $0["url"] as? String } == feed.items.map(\.streamURL))
    }

    @Test(arguments: Self.xmlFormats)
    func oddStreamTitlesReadBackExactly(_ format: FeedRenderer.Format) throws {
        let title = "<b>Bold</b> & \"q\" \r& \"q\" \r\n<\u{07F2}\u{FFFD}\u{0311}<i>"
        let feed = Self.feed([Self.item("S", stream: "1", title: title, at: 1_790_000_000)])
        let collector = ElementCounter()
        let parser = XMLParser(data: FeedRenderer.render(feed, as: format))
        parser.delegate = collector
        #expect(parser.parse())
        // The element holds HTML; its text is the title escaped for HTML (CR as a reference).
        let html = title.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "\r": return "&#xD;"
            default: return String(scalar)
            }
        }.joined()
        let parsed = Array(collector.texts.joined().unicodeScalars)
        let expected = Array(html.unicodeScalars)
        #expect(
            (0...(parsed.count - expected.count)).contains {
                parsed[$0..<($0 + expected.count)].elementsEqual(expected)
            })
    }

    @Test func aFeedHoldsTheNewest500Items() {
        let items = (0..<750).map {
            Self.item("S\($0)", stream: "\($0)", title: "t", at: 1_790_000_000 + TimeInterval($0))
        }
        let feed = Self.feed(items.shuffled())
        #expect(feed.items.count == LiveFeed.maxItems)
        #expect(feed.items.first?.streamer == "S749" && feed.items.last?.streamer == "S250")
        #expect(zip(feed.items, feed.items.dropFirst()).allSatisfy { $0.startedAt > $1.startedAt })
    }

    @Test func feedDatesFollowTheNewestItem() {
        #expect(Self.feed([]).updated == Date(timeIntervalSince1970: 0))
        let several = Self.states.first { $0.name == "several" }!.feed
        #expect(several.updated == Date(timeIntervalSince1970: 1_790_000_600))
        #expect(several.items.map(\.streamer) == ["Bob_99", "Alice", "Carol"])
        #expect(
            Timestamp.rfc1123(Date(timeIntervalSince1970: 1_790_000_600), zone: "+0000")
                == "Mon, 21 Sep 2026 14:23:20 +0000")
        #expect(Timestamp.parseHTTPDate("Mon, 21 Sep 2026 14:23:20 GMT") == Date(timeIntervalSince1970: 1_790_000_600))
    }

    @Test func itemIDsAreStablePerSessionAndNewPerBroadcast() {
        let race = UUID()
        #expect(FeedIDs.item(race: race, streamID: "1") == FeedIDs.item(race: race, streamID: "1"))
        #expect(FeedIDs.item(race: race, streamID: "1") != FeedIDs.item(race: race, streamID: "2"))
        #expect(FeedIDs.item(race: race, streamID: "1") != FeedIDs.item(race: UUID(), streamID: "1"))
        #expect(FeedIDs.item(race: race, streamID: "1").hasPrefix("urn:uuid:"))
    }
}

/// Counts elements and collects text while parsing.
final class ElementCounter: NSObject, XMLParserDelegate, @unchecked Sendable {
    var counts: [String: Int] = [:]
    var texts: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        counts[name, default: 0] += 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        texts.append(string)
    }
}
