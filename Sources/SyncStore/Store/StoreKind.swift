import RaceService
import SyncCore

/// Which kind of RaceSync database a file holds. The kind is written into the SQLite
/// header (`PRAGMA application_id`), so a file is recognised before it is opened.
public enum StoreKind: Sendable, Equatable {
    /// The hub's authoritative store.
    case hub
    /// A node's local replica.
    case replica

    /// The `application_id` written into files of this kind.
    var applicationID: Int32 {
        switch self {
        case .hub: return 0x5253_4842  // "RSHB"
        case .replica: return 0x5253_5250  // "RSRP"
        }
    }

    /// How messages name a file of this kind.
    public var noun: String {
        switch self {
        case .hub: return "RaceSync hub store"
        case .replica: return "RaceSync replica"
        }
    }
}

/// Why a database file cannot be used. The file is never modified when this is thrown.
public struct StoreOpenError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
