import Foundation
public import SyncCore

/// One page of the race list and where the next one starts (nil: no more).
public struct RaceListPage: Sendable {
    public var races: [RaceSummary]
    public var next: RaceListCursor?

    public init(races: [RaceSummary], next: RaceListCursor?) {
        self.races = races
        self.next = next
    }
}
