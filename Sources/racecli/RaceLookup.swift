import Foundation
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

/// Finds the race a command names: a UUID or an unambiguous prefix.
enum RaceLookup {
    static func resolve(_ text: String, in store: ReplicaStore) throws -> Race {
        let matches = try store.races(matching: text)
        switch matches.count {
        case 1: return matches[0]
        case 0:
            throw CommandFailure.user(
                "no race in the replica matches '\(text)' (try 'racecli races', or 'racecli sync' to refresh)")
        default:
            let list = matches.map { "  \($0.id.lowercased)  \($0.name)" }.joined(separator: "\n")
            throw CommandFailure.user("'\(text)' matches \(matches.count) races; give more of the id:\n\(list)")
        }
    }
}
