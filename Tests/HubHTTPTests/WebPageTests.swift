import Foundation
import RaceService
import Testing

@testable import RaceWeb
@testable import SyncCore

/// The view models and templates of the pages, pure: no store, no server.
@Suite struct WebPageTests {
    static let organizer = User(id: UUID(), twitchUsername: "org", twitchDisplayName: "The Organizer")
    static let hostile = User(
        id: UUID(), twitchUsername: "mallory", twitchDisplayName: #"<img src=x onerror="alert(1)"> & 'q'"#)
    static let alice = User(id: UUID(), twitchUsername: "alice", twitchDisplayName: nil)

    static func data(
        status: RaceStatus = .running, name: String = "Any% <script>alert(1)</script>", aliceCasts: Bool = true,
        alicePending: Bool = false
    ) -> RacePageData {
        let race = Race(
            id: UUID(), name: name, status: status, seedsReleased: false, organizerID: organizer.id, createdAt: Date(),
            updatedAt: Date())
        let live = Member(id: UUID(), user: hostile, isLive: true, streamURL: "https://twitch.tv/mallory")
        let caster = Member(id: UUID(), user: alice, isLive: false, streamURL: nil, pending: alicePending)
        let detail = RaceDetail(
            race: race, organizer: organizer, participants: [live], casters: aliceCasts ? [caster] : [])
        let stream = LiveStream(
            streamID: "1", title: #"</span><script>steal()</script> "WR" & more"#,
            startedAt: Date(timeIntervalSince1970: 1_800_000_000), observedAt: Date())
        return RacePageData(detail: detail, streams: [hostile.id: stream])
    }

    static func viewer(_ user: User = alice, offline: OfflineNotice? = nil, notices: [Notice] = []) -> Viewer {
        Viewer(user: user, formToken: "token-123", notices: notices, offline: offline)
    }

    @Test func hostileNamesAndTitlesAreShownAsText() {
        let html = PageRenderer.standard.racePage(RacePageModel(Self.data(), since: "s.1"))
        #expect(!html.contains("<script>alert(1)"))
        #expect(!html.contains("<script>steal()"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("Any% &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;/span&gt;&lt;script&gt;steal()&lt;/script&gt; &quot;WR&quot; &amp; more"))
        #expect(html.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;q&#39;"))
        // The only scripts are the page's own.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(html.contains(#"<script src="/static/racesync.js" defer></script>"#))
    }

    @Test func aLiveMemberHasATextBadgeLinkingToTheStream() {
        let model = RacePageModel(Self.data(), since: "s.1")
        let html = PageRenderer.standard.raceBody(model)
        #expect(
            html.contains(
                #"<a class="badge live" href="https://twitch.tv/mallory" target="_blank" rel="noopener noreferrer" title="Watch live on Twitch">LIVE</a>"#
            ))
        // Every member links to their channel.
        #expect(html.contains(#"<a class="name" href="https://twitch.tv/mallory" rel="noopener noreferrer""#))
        #expect(model.participants.first?.liveSince == "live since 08:00 UTC")
        #expect(model.liveCount == 1 && model.anyLive)
        #expect(model.feedAtom == "/feeds/races/\(model.raceID)/live.atom")
        #expect(model.eventsURL == "/races/\(model.raceID)/events?since=s.1")
        // The hub's public page has no controls, badges of a viewer or forms.
        #expect(!html.contains("<form") && !html.contains("(You)"))
    }

    @Test func feedAutodiscoveryLinksAreInTheHead() {
        let html = PageRenderer.standard.frontPage(FrontPageModel(FrontPageData(races: [], live: []), since: "s.0"))
        #expect(
            html.contains(
                #"<link rel="alternate" type="application/atom+xml" title="Live now (Atom)" href="/feeds/live.atom">"#))
        #expect(
            html.contains(
                #"<link rel="alternate" type="application/rss+xml" title="Live now (RSS)" href="/feeds/live.rss">"#))
        #expect(html.contains("Nobody in an active race is live right now."))
    }

    @Test func aCasterSeesYouAndLeaveAndAPendingBadge() {
        let model = RacePageModel(Self.data(alicePending: true), viewer: Self.viewer(), since: "")
        let html = PageRenderer.standard.raceBody(model)
        #expect(model.controls?.canLeave == true && model.controls?.canJoin == false)
        #expect(html.contains(#"<span class="badge you">(You)</span>"#))
        #expect(html.contains(#"<span class="badge pending">pending sync</span>"#))
        #expect(html.contains(#"action="/races/\#(model.raceID)/cast-leave""#))
        #expect(html.contains(#"<input type="hidden" name="csrf" value="token-123">"#))
        #expect(!html.contains("Cast this race"))
    }

    @Test func whoMayJoinIsDecidedByTheHubsRules() {
        let eligible = RacePageModel(Self.data(aliceCasts: false), viewer: Self.viewer(), since: "")
        #expect(eligible.controls?.canJoin == true)
        #expect(PageRenderer.standard.raceBody(eligible).contains("Cast this race"))
        let finished = RacePageModel(Self.data(status: .finished, aliceCasts: false), viewer: Self.viewer(), since: "")
        #expect(finished.controls?.canJoin == false)
        #expect(finished.controls?.reason == "The race is finished: casters can join only races in setup or running.")
        let participant = RacePageModel(Self.data(aliceCasts: false), viewer: Self.viewer(Self.hostile), since: "")
        #expect(
            participant.controls?.canJoin == false
                && participant.controls?.reason == "You are a participant of this race.")
    }

    @Test func noticesAndTheOfflineBannerShowOnTheirRace() {
        let data = Self.data()
        let mine = Notice(
            opID: UUID(), raceID: data.detail.id, heading: "Rejected by the hub", text: "your join of <b> was refused",
            formToken: "t")
        let other = Notice(opID: UUID(), raceID: UUID(), heading: "Overridden", text: "elsewhere", formToken: "t")
        let offline = OfflineNotice(
            problem: "hub unreachable: connection refused", lastSync: Date(timeIntervalSince1970: 1_800_000_000))
        let model = RacePageModel(data, viewer: Self.viewer(offline: offline, notices: [mine, other]), since: "")
        #expect(model.notices == [mine])
        let html = PageRenderer.standard.raceBody(model)
        #expect(html.contains("your join of &lt;b&gt; was refused"))
        #expect(html.contains(#"action="/notices/\#(mine.opID)/dismiss""#))
        #expect(html.contains("Last successful sync: <span class=\"last-sync\">2027-01-15 08:00:00 UTC</span>"))
        #expect(!html.contains("elsewhere"))
    }

    @Test func changesBetweenTwoStatesAreSaidInWords() {
        let before = PageSummary(status: "Setup", live: ["Ann"], casters: ["Bob"], participants: ["Ann"])
        let after = PageSummary(status: "Running", live: ["Cid"], casters: ["Cid"], participants: ["Ann"])
        #expect(
            before.changes(to: after) == [
                "The race is now running", "Cid joined the casters", "Bob left the casters", "Cid is live",
                "Ann is no longer live",
            ])
        #expect(after.changes(to: after).isEmpty)
    }

    @Test func anEventIsOneDataLineOfJSON() throws {
        let state = PageState(
            id: "abc.7\nid: forged", html: "<p>two\nlines</p>",
            summary: PageSummary(status: nil, live: [], casters: [], participants: []))
        let text = PageEvents.event(state, changes: ["Ann is live"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[3].isEmpty && lines[4].isEmpty)
        #expect(lines[0] == "id: abc.7id: forged" && lines[1] == "event: page")
        let json =
            try JSONSerialization.jsonObject(with: Data(lines[2].dropFirst("data: ".count).utf8)) as? [String: Any]
        #expect(json?["html"] as? String == "<p>two\nlines</p>")
        #expect(json?["changes"] as? [String] == ["Ann is live"])
    }

    @Test func contentTagsNameVersions() {
        #expect(ContentTag.of("") == "cbf29ce484222325")
        #expect(ContentTag.of("a") == "af63dc4c8601ec8c")
        #expect(ContentTag.of("page one") != ContentTag.of("page two"))
    }
}

/// Every template file of `Resources/templates` is embedded, parsed and follows the escaping rules.
@Suite struct EmbeddedTemplateTests {
    @Test func everyTemplateFileIsEmbeddedAsItIsOnDisk() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Sources/RaceWeb/Resources/templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".mustache")
        }
        #expect(Set(files.map { String($0.dropLast(".mustache".count)) }) == Set(PageRenderer.embedded.keys))
        for file in files {
            let name = String(file.dropLast(".mustache".count))
            #expect(
                PageRenderer.embedded[name] == Array(try Data(contentsOf: folder.appendingPathComponent(file))),
                "\(file)")
        }
        _ = try PageRenderer(templates: PageRenderer.embedded.mapValues { String(decoding: $0, as: UTF8.self) })
    }
}
