public import Foundation
public import SyncCore

/// What the node's pages add for the logged-in user: who they are, the per-session form token,
/// notices about ops the hub refused or someone overrode, and whether the hub is reachable.
/// The hub's public pages have none of it.
public struct Viewer: Sendable, Equatable {
    public var user: User
    /// The per-session token every form carries (see NodeWeb's form guard).
    public var formToken: String
    public var notices: [Notice]
    /// Set while the hub is unreachable.
    public var offline: OfflineNotice?

    public init(user: User, formToken: String, notices: [Notice], offline: OfflineNotice?) {
        self.user = user
        self.formToken = formToken
        self.notices = notices
        self.offline = offline
    }
}

/// A refused or overridden op of the user's, shown until dismissed.
public struct Notice: Sendable, Equatable {
    public var opID: String
    public var raceID: UUID
    /// "Rejected by the hub" or "Overridden".
    public var heading: String
    public var text: String
    /// The form's target.
    public var dismissAction: String
    /// The page to return to after dismissing: the race's.
    public var back: String
    public var formToken: String

    public init(opID: UUID, raceID: UUID, heading: String, text: String, formToken: String) {
        self.opID = opID.lowercased
        self.raceID = raceID
        self.heading = heading
        self.text = text
        self.dismissAction = "/notices/\(opID.lowercased)/dismiss"
        self.back = PagePaths.race(raceID)
        self.formToken = formToken
    }
}

/// "Offline: the hub is unreachable. Last successful sync ..."
public struct OfflineNotice: Sendable, Equatable {
    public var problem: String
    public var lastSync: String

    public init(problem: String, lastSync: Date?) {
        self.problem = problem
        self.lastSync = lastSync.map(WebTime.full) ?? "never"
    }
}

/// The caster's controls on a race page: a join or a leave form, or why neither applies.
public struct CasterControls: Sendable, Equatable {
    public var canJoin: Bool
    public var canLeave: Bool
    /// Why the user cannot join (a participant, the race is finished), when neither form shows.
    public var reason: String?
    public var joinAction: String
    public var leaveAction: String
    public var formToken: String

    /// Decided by the same rules the hub applies (`RaceRules`), on the replica's view.
    public init(detail: RaceDetail, viewer: Viewer) {
        let facts = detail.facts
        let me = viewer.user.id
        canLeave = RaceRules.castLeave(facts, caller: me) == nil
        let joinRefusal = RaceRules.castJoin(facts, caller: me)
        canJoin = !canLeave && joinRefusal == nil
        reason = canJoin || canLeave ? nil : joinRefusal.map { Sentence.of($0.reason) }
        joinAction = PagePaths.raceAction(detail.id, "cast-join")
        leaveAction = PagePaths.raceAction(detail.id, "cast-leave")
        formToken = viewer.formToken
    }
}
