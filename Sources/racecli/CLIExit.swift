import Foundation
import SyncCore
import SyncNode
import SyncStore

/// A failure with the exit code the contract gives it and a message for stderr.
struct CLIExit: Error {
    var code: Int32
    var message: String

    static func user(_ message: String) -> CLIExit { CLIExit(code: 1, message: message) }
    static func usage(_ message: String) -> CLIExit { CLIExit(code: 2, message: message) }
    static func unreachable(_ message: String) -> CLIExit { CLIExit(code: 3, message: message) }

    /// Maps a hub client error: unreachable → 3, anything the hub refused → 1.
    static func from(hub error: HubClientError) -> CLIExit {
        switch error {
        case .unreachable: return .unreachable("\(error); local state is intact, try again later")
        case .unauthorized, .refused, .badResponse: return .user("\(error)")
        }
    }
}
