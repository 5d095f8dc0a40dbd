/// The life cycle of a race: `setup` → `running` → `finished`.
public enum RaceStatus: String, Codable, Sendable, CaseIterable {
    case setup
    case running
    case finished

    /// Setup and running races are "active": they take casters and are polled on Twitch.
    public var isActive: Bool { self != .finished }
}
