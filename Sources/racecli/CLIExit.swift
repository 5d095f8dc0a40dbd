import RaceSyncCommand
import SyncNode

extension CommandFailure {
    /// Maps a hub client error: unreachable → 3, anything the hub refused → 1. A hub that
    /// answers it cannot serve now (502/503/504: its database restarting, a proxy without a
    /// healthy hub; 429: this user's write limit) is unreachable too: nothing was done, trying
    /// again later is right.
    static func from(hub error: HubClientError) -> CommandFailure {
        switch error {
        case .unreachable, .refused(429, _), .refused(502...504, _):
            return .unreachable("\(error); local state is intact, try again later")
        case .unauthorized, .refused, .badResponse: return .user("\(error)")
        }
    }
}
