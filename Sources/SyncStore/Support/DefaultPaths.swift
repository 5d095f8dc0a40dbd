public import Foundation
import SyncCore

/// Default file locations under the XDG data directory
/// (`$XDG_DATA_HOME/racesync`, else `~/.local/share/racesync`).
public enum DefaultPaths {
    /// The RaceSync data folder.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty, xdg.hasPrefix("/") {
            return xdg + "/racesync"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/racesync"
    }

    /// The hub's default store.
    public static func hubDatabase(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        dataDirectory(environment: environment) + "/hub.sqlite"
    }

    /// The default replica (`RACECLI_DB` overrides it).
    public static func replicaDatabase(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["RACECLI_DB"], !path.isEmpty { return path }
        return dataDirectory(environment: environment) + "/replica.sqlite"
    }
}
