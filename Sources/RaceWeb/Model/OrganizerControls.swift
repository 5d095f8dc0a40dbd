public import Foundation
public import SyncCore

/// The organizer's controls on their race page (the hub's only): the life-cycle steps the race
/// can take now, adding a participant or a caster by Twitch login. Every button posts a form
/// the hub answers through the same use cases as the REST API.
public struct OrganizerControls: Sendable, Equatable {
    public var formToken: String
    public var canReleaseSeeds: Bool
    public var canStart: Bool
    public var canFinish: Bool
    /// Casters join only races in setup or running.
    public var canAddCaster: Bool
    public var releaseSeedsAction: String
    public var startAction: String
    public var finishAction: String
    public var addParticipantAction: String
    public var addCasterAction: String

    public init(detail: RaceDetail, formToken: String) {
        self.formToken = formToken
        canReleaseSeeds = detail.status == .setup && !detail.seedsReleased
        canStart = detail.status == .setup
        canFinish = detail.status == .running
        canAddCaster = detail.status.isActive
        releaseSeedsAction = PagePaths.raceAction(detail.id, "release-seeds")
        startAction = PagePaths.raceAction(detail.id, "start")
        finishAction = PagePaths.raceAction(detail.id, "finish")
        addParticipantAction = PagePaths.raceAction(detail.id, "participants")
        addCasterAction = PagePaths.raceAction(detail.id, "casters")
    }

    /// The form action that removes a member (`"casters"` or `"participants"`) by member id:
    /// the × on their row.
    public static func removeAction(race: UUID, member: String, id: UUID) -> String {
        PagePaths.raceAction(race, member + "/" + id.lowercased + "/remove")
    }
}
