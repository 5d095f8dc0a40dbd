import Foundation
import FuzzSupport
import SyncCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// libFuzzer target: render → parse. Any text from users or Twitch, in any field, renders to
/// well-formed Atom and RSS whose item text a reader decodes back to exactly that text (minus
/// the characters XML cannot carry), never to markup.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedRoundTrip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fields = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
    let item = LiveFeedItem(
        id: "urn:uuid:00000000-0000-4000-8000-000000000001", title: field(0), streamURL: "https://twitch.tv/x",
        startedAt: Date(timeIntervalSince1970: 1_790_000_000), streamTitle: field(1), streamer: field(2))
    let feed = LiveFeed(
        id: "urn:uuid:00000000-0000-4000-8000-000000000002", title: field(3), subtitle: "s",
        selfURLBase: "https://hub.example/feeds/live", alternateURL: "https://hub.example/", items: [item])
    for format in FeedRenderer.Format.allCases {
        let collector = TextCollector()
        let parser = XMLParser(data: FeedRenderer.render(feed, as: format))
        parser.delegate = collector
        precondition(parser.parse(), "\(format) is not well-formed XML")
        let summaryTag = format == .atom ? "summary" : "description"
        let shown =
            collector.isHTML[summaryTag] == false
            ? collector.text[summaryTag, default: ""] : htmlDecode(collector.text[summaryTag, default: ""])
        precondition(
            Array(shown.unicodeScalars) == Array(readable(field(1)).unicodeScalars),
            "\(format) stream title does not read back literally")
    }
    return 0
}

/// What XML can carry of `text`, as a reader sees it after line-end normalization.
func readable(_ text: String) -> String {
    String(
        String.UnicodeScalarView(
            text.unicodeScalars.filter { scalar in
                switch scalar.value {
                case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
                default: return false
                }
            }))
}

/// The entities the renderers write for HTML content, decoded code point by code point.
func htmlDecode(_ html: String) -> String {
    decodeReferences(html, ["lt": "<", "gt": ">", "quot": "\"", "amp": "&", "#xD": "\r"])
}

final class TextCollector: NSObject, XMLParserDelegate {
    var text: [String: String] = [:]
    var isHTML: [String: Bool] = [:]
    private var current: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        current.append(name)
        if name == "summary" { isHTML[name] = attributes["type"] == "html" }
        if name == "description" { isHTML[name] = true }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        current.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let name = current.last, current.contains("entry") || current.contains("item") {
            text[name, default: ""] += string
        }
    }
}
