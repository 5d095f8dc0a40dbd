import Foundation
import FuzzSupport
import RaceWeb
import SyncCore

/// libFuzzer target: any text from users or Twitch (race name, display names, stream title),
/// rendered into the race page, the front page and the error page, adds no markup: the page holds
/// exactly as many `<`, `>`, `"` and `'` as the same page with harmless text, and the race
/// name reads back, entity by entity and code point by code point, as exactly that name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPageRenderer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fields = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
    let renderer = PageRenderer.standard
    let hostile = pages(renderer, name: field(0), display: field(1), title: field(2))
    let harmless = pages(renderer, name: "n", display: "d", title: "t")
    for (page, reference) in zip(hostile, harmless) {
        precondition(
            delimiterCounts(page) == delimiterCounts(reference), "markup added: \(fields.map(\.debugDescription))")
    }
    let heading = between(hostile[0], "<h1>", "</h1>")
    precondition(
        Array(decode(heading).unicodeScalars)
            == Array(field(0).replacingOccurrences(of: "\0", with: "\u{FFFD}").unicodeScalars),
        "the name does not read back: \(field(0).debugDescription)")
    return 0
}

func pages(_ renderer: PageRenderer, name: String, display: String, title: String) -> [String] {
    let organizer = User(id: UUID(), twitchUsername: "org", twitchDisplayName: display)
    let race = Race(
        id: UUID(), name: name, status: .running, seedsReleased: false, organizerID: organizer.id, createdAt: Date(),
        updatedAt: Date())
    let member = Member(id: UUID(), user: organizer, isLive: true, streamURL: "https://twitch.tv/org")
    let detail = RaceDetail(race: race, organizer: organizer, participants: [member], casters: [member])
    let stream = LiveStream(
        streamID: "1", title: title, startedAt: Date(timeIntervalSince1970: 1_800_000_000), observedAt: Date())
    let data = RacePageData(detail: detail, streams: [organizer.id: stream])
    return [
        renderer.racePage(RacePageModel(data, since: "s.1")),
        renderer.frontPage(
            FrontPageModel(
                FrontPageData(
                    races: [
                        RaceSummary(
                            id: race.id, name: name, status: .running, organizer: organizer, participantCount: 1,
                            casterCount: 1, createdAt: Date())
                    ], live: []), since: "s.1")),
        renderer.errorPage(WebPageError(.notFound, name, title)),
    ]
}

/// The text between the first `open` and the next `close`, found by UTF-8 bytes: `String`'s own
/// search works per grapheme cluster, and `"\u{0600}</h1>"` holds no `Character` equal to `"<"`.
func between(_ text: String, _ open: String, _ close: String) -> String {
    let bytes = Array(text.utf8)
    let start = Array(open.utf8)
    let end = Array(close.utf8)
    func find(_ needle: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count, from <= bytes.count - needle.count else { return nil }
        return (from...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle }
    }
    guard let first = find(start, from: 0), let last = find(end, from: first + start.count) else { return "" }
    return String(decoding: bytes[(first + start.count)..<last], as: UTF8.self)
}

func delimiterCounts(_ html: String) -> [Int] {
    Array("<>\"'".utf8).map { delimiter in html.utf8.reduce(0) { $0 + ($1 == delimiter ? 1 : 0) } }
}

/// The five references `HTMLText` writes, decoded per code point as an HTML parser does.
func decode(_ html: String) -> String {
    decodeReferences(html, ["lt": "<", "gt": ">", "quot": "\"", "amp": "&", "#39": "'"])
}
