import RaceSyncCommand
import SyncNode

extension CommandFailure {
    /// Maps a hub client error: unreachable → 3, anything the hub refused → 1.
    static func from(hub error: HubClientError) -> CommandFailure {
        switch error {
        case .unreachable: return .unreachable("\(error); local state is intact, try again later")
        case .unauthorized, .refused, .badResponse: return .user("\(error)")
        }
    }
}
