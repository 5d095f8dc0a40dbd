public import Foundation
public import SyncCore

/// The OBS overlay of a race (`GET /races/{id}/overlay`): a transparent page of large names of who
/// is live now, made to be a browser source; its script follows the race's JSON event stream.
public struct OverlayPageModel: Sendable, Equatable {
    /// Which members it lists.
    public enum Show: String, Sendable, CaseIterable {
        case participants, casters, all
    }

    /// The colour of the text (light on a dark scene, dark on a light one).
    public enum Text: String, Sendable, CaseIterable {
        case light, dark
    }

    public var title: String
    public var eventsURL: String
    public var show: String
    public var textClass: String
    /// Who is live now, as shown.
    public var names: [String]
    public var hasNames: Bool

    public init(_ detail: RaceDetail, show: Show, text: Text) {
        title = "\(detail.name) — live now"
        eventsURL = HubPaths.race(detail.id) + "/events"
        self.show = show.rawValue
        textClass = "text-" + text.rawValue
        names = Self.liveNames(detail, show: show)
        hasNames = !names.isEmpty
    }

    /// The shown names of the live members of `show`, participants first, each once.
    public static func liveNames(_ detail: RaceDetail, show: Show) -> [String] {
        let members =
            switch show {
            case .participants: detail.participants
            case .casters: detail.casters
            case .all: detail.participants + detail.casters
            }
        var seen = Set<UUID>()
        return members.filter { $0.isLive && seen.insert($0.user.id).inserted }.map(\.user.shownName)
    }
}
