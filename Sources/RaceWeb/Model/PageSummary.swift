/// The facts of a page that a reader wants announced when they change: what a live update
/// says in words ("alice is live", "bob joined the casters") beside the new HTML.
public struct PageSummary: Sendable, Equatable {
    public var status: String?
    public var live: Set<String>
    public var casters: Set<String>
    public var participants: Set<String>
    public var races: Set<String> = []

    public init(
        status: String?, live: Set<String>, casters: Set<String>, participants: Set<String>, races: Set<String> = []
    ) {
        self.status = status
        self.live = live
        self.casters = casters
        self.participants = participants
        self.races = races
    }

    /// Sentences describing how `new` differs from `self`, in a stable order.
    public func changes(to new: PageSummary) -> [String] {
        var lines: [String] = []
        if let status, let next = new.status, next != status { lines.append("The race is now \(next.lowercased())") }
        lines += new.races.subtracting(races).sorted().map { "New race: \($0)" }
        lines += races.subtracting(new.races).sorted().map { "\($0) is no longer active" }
        lines += new.participants.subtracting(participants).sorted().map { "\($0) joined the participants" }
        lines += new.casters.subtracting(casters).sorted().map { "\($0) joined the casters" }
        lines += casters.subtracting(new.casters).sorted().map { "\($0) left the casters" }
        lines += new.live.subtracting(live).sorted().map { "\($0) is live" }
        lines += live.subtracting(new.live).sorted().map { "\($0) is no longer live" }
        return lines
    }
}
