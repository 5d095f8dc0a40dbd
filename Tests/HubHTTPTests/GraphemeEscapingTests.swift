import Foundation
import RaceService
import Testing

@testable import RaceWeb
@testable import SyncCore

/// Markup hidden in grapheme clusters: a `<` after a Prepend mark (U+0600) or a `>` before a
/// combining mark (U+0301) is one `Character` with its neighbour, and an escaper that matches
/// `Character`s lets it through. Every page escapes per code point.
@Suite struct GraphemeEscapingTests {
    static let attack = "x \u{0600}<meta http-equiv=refresh content=0;url=https://example.invalid/>\u{0301}"

    @Test func theCharactersThatHideMarkupAreEscaped() {
        #expect(HTMLText.escape("\u{0600}<b>") == "\u{0600}&lt;b&gt;")
        #expect(HTMLText.escape(">\u{0301}") == "&gt;\u{0301}")
        #expect(HTMLText.escape("\"\u{0301}'\u{0301}") == "&quot;\u{0301}&#39;\u{0301}")
        #expect(HTMLText.escape("👩\u{200D}<b>\u{200D}👩") == "👩\u{200D}&lt;b&gt;\u{200D}👩")
        #expect(HTMLText.escape("a&b\u{0}c") == "a&amp;b\u{FFFD}c")
        // Swift's own Character comparison is what fooled the library's escaper.
        #expect(Array("\u{0600}<").count == 1 && Array(">\u{0301}").count == 1)
    }

    @Test func aRaceNameCannotInjectAMetaRefresh() {
        let page = PageRenderer.standard.racePage(RacePageModel(WebPageTests.data(name: Self.attack), since: "s.1"))
        #expect(!page.contains("<meta http-equiv=refresh"))
        #expect(page.contains("\u{0600}&lt;meta http-equiv=refresh content=0;url=https://example.invalid/&gt;\u{0301}"))
        let body = PageRenderer.standard.raceBody(
            RacePageModel(WebPageTests.data(name: Self.attack), viewer: WebPageTests.viewer(), since: ""))
        #expect(!body.contains("<meta"))
        let error = PageRenderer.standard.errorPage(WebPageError(.notFound, "Race \u{0600}<b>", "\">\u{0301}<i>"))
        #expect(!error.contains("<b>") && !error.contains("<i>"))
    }

    /// Property: for random strings over a hostile alphabet in every field a user or Twitch
    /// controls, the page holds exactly as many markup delimiters as with a harmless string:
    /// no element, attribute or quote the template did not write.
    @Test func randomHostileTextNeverAddsMarkup() {
        let alphabet: [String] = [
            "<", ">", "&", "\"", "'", "=", "/", " ", "a", "b", "\u{0600}", "\u{0605}", "\u{06DD}", "\u{0301}",
            "\u{20DD}",
            "\u{200D}", "👩", "🏳️‍🌈", "\u{FE0F}", "script", "meta", "\u{0}", "\u{FFFD}", "é", "\u{1F3FB}",
        ]
        var rng = SystemRandomNumberGenerator()  // a failure prints its strings
        let delimiters: [UInt8] = Array("<>\"'".utf8)
        func counts(_ html: String) -> [Int] { delimiters.map { d in html.utf8.reduce(0) { $0 + ($1 == d ? 1 : 0) } } }
        let benign = counts(PageRenderer.standard.racePage(Self.model(name: "n", display: "d", title: "t")))
        for _ in 0..<300 {
            func random() -> String {
                (0..<Int.random(in: 1...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            }
            let (name, display, title) = (random(), random(), random())
            let page = PageRenderer.standard.racePage(Self.model(name: name, display: display, title: title))
            #expect(
                counts(page) == benign,
                "name \(name.debugDescription), display \(display.debugDescription), title \(title.debugDescription)")
        }
    }

    static func model(name: String, display: String, title: String) -> RacePageModel {
        let organizer = User(id: UUID(), twitchUsername: "org", twitchDisplayName: display)
        let member = User(id: UUID(), twitchUsername: "mallory", twitchDisplayName: display)
        let race = Race(
            id: UUID(), name: name, status: .running, seedsReleased: false, organizerID: organizer.id,
            createdAt: Date(), updatedAt: Date())
        let detail = RaceDetail(
            race: race, organizer: organizer,
            participants: [Member(id: UUID(), user: member, isLive: true, streamURL: "https://twitch.tv/mallory")],
            casters: [])
        let stream = LiveStream(
            streamID: "1", title: title, startedAt: Date(timeIntervalSince1970: 1_800_000_000), observedAt: Date())
        return RacePageModel(RacePageData(detail: detail, streams: [member.id: stream]), since: "s.1")
    }

    @Test func aTemplateWithoutTheEscapingPragmaOrWithRawTagsIsRefused() throws {
        #expect(throws: PageRenderer.UnsafeTemplate.self) {
            try PageRenderer.checkEscaping("<p>{{name}}</p>\n", file: "t.mustache")
        }
        #expect(throws: PageRenderer.UnsafeTemplate.self) {
            try PageRenderer.checkEscaping(CodePointHTML.pragma + "\n<p>{{{name}}}</p>\n", file: "t.mustache")
        }
        #expect(throws: PageRenderer.UnsafeTemplate.self) {
            try PageRenderer.checkEscaping(CodePointHTML.pragma + "\n<p>{{& name}}</p>\n", file: "t.mustache")
        }
        try PageRenderer.checkEscaping(CodePointHTML.pragma + "\n<p>{{name}}</p>\n", file: "t.mustache")
    }
}
