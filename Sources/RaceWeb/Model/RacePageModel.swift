import Foundation
public import RaceService
import SyncCore

/// Everything a race page shows, as plain values for the `race` template. The hub builds it
/// without a viewer; the node with the logged-in user (controls, badges, notices).
public struct RacePageModel: Sendable, Equatable {
    public var raceID: String
    public var name: String
    /// "setup", "running" or "finished" (a CSS class).
    public var status: String
    /// "Setup", "Running" or "Finished".
    public var statusLabel: String
    public var seedsReleased: Bool
    public var organizer: String
    public var participants: [MemberRow]
    public var casters: [MemberRow]
    public var hasParticipants: Bool
    public var hasCasters: Bool
    public var liveCount: Int
    public var anyLive: Bool
    public var feedAtom: String
    public var feedJSON: String
    /// The race's OBS overlay (the hub's pages only).
    public var overlayURL: String?
    public var feedRSS: String
    /// Where the page's Server-Sent Events come from (resumes at `since`).
    public var eventsURL: String
    public var controls: CasterControls?
    /// The organizer's controls (the hub's pages, for the race's organizer).
    public var organizerControls: OrganizerControls?
    public var notices: [Notice]
    public var offline: OfflineNotice?
    /// A one-off message about the user's last action ("you are already a caster").
    public var flash: String?
    /// The logged-in user's name.
    public var you: String?
    /// The hub's account links (nil on the node).
    public var account: AccountBar?
    /// The page's `<title>`.
    public var title: String

    /// - Parameters:
    ///   - feedBase: prefix of the feed links ("" on the hub, the hub's URL on a node).
    ///   - since: the position the page was rendered at; its event stream starts there.
    ///   - organizerTools: the hub's page: the organizer's controls when the viewer organizes the
    ///     race, and the link to the OBS overlay.
    public init(
        _ data: RacePageData, viewer: Viewer? = nil, feedBase: String = "", since: String, organizerTools: Bool = false
    ) {
        let detail = data.detail
        let me = viewer?.user.id
        raceID = detail.id.lowercased
        name = detail.name
        status = detail.status.rawValue
        statusLabel = detail.status.label
        seedsReleased = detail.seedsReleased
        organizer = detail.organizer.shownName
        participants = detail.participants.map { MemberRow($0, stream: data.streams[$0.user.id], viewer: me) }
        casters = detail.casters.map { MemberRow($0, stream: data.streams[$0.user.id], viewer: me) }
        hasParticipants = !participants.isEmpty
        hasCasters = !casters.isEmpty
        liveCount = (participants + casters).filter(\.isLive).count
        anyLive = liveCount > 0
        feedAtom = "\(feedBase)/feeds/races/\(raceID)/live.atom"
        feedJSON = "\(feedBase)/feeds/races/\(raceID)/live.json"
        feedRSS = "\(feedBase)/feeds/races/\(raceID)/live.rss"
        eventsURL = PagePaths.raceEvents(detail.id) + "?since=\(PagePaths.queryEscaped(since))"
        controls = viewer.map { CasterControls(detail: detail, viewer: $0) }
        overlayURL = organizerTools ? PagePaths.raceOverlay(detail.id) : nil
        if organizerTools, let viewer, viewer.user.id == detail.organizer.id {
            organizerControls = OrganizerControls(detail: detail, formToken: viewer.formToken)
            for index in casters.indices {
                casters[index].removeAction = OrganizerControls.removeAction(
                    race: detail.id, member: "casters", id: detail.casters[index].id)
                casters[index].removeTitle = "Remove caster"
                casters[index].formToken = viewer.formToken
            }
            for index in participants.indices {
                participants[index].removeAction = OrganizerControls.removeAction(
                    race: detail.id, member: "participants", id: detail.participants[index].id)
                participants[index].removeTitle = "Remove participant"
                participants[index].formToken = viewer.formToken
            }
        }
        notices = viewer?.notices.filter { $0.raceID == detail.id } ?? []
        offline = viewer?.offline
        you = viewer.map { $0.user.shownName }
        title = "\(detail.name) — RaceSync"
    }

    /// What changes between two renderings are about (for announcements).
    public var summary: PageSummary {
        PageSummary(
            status: statusLabel, live: Set((participants + casters).filter(\.isLive).map(\.name)),
            casters: Set(casters.map(\.name)), participants: Set(participants.map(\.name)))
    }
}
