import ArgumentParser
import Foundation
import RaceSyncCommand

/// `racecli`: query and edit the local replica from the shell, offline.
///
/// Exit codes: 0 ok; 1 user error (unknown race, rule violated, token refused, replica
/// unusable); 2 usage error; 3 hub unreachable (local state intact).
@main
struct RaceCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "racecli",
        abstract: "Query and edit your local RaceSync replica, online or offline.",
        discussion: """
            Every command takes --db PATH (env RACECLI_DB; default $XDG_DATA_HOME/racesync/replica.sqlite)
            and --json where it prints data. Read commands never use the network.

              racecli login --hub http://127.0.0.1:8080 --token-stdin < token.txt
              racecli races --status running
              racecli cast-join 3f2a        # works offline; pushed on the next sync
              racecli sync

            Exit codes: 0 ok, 1 user error, 2 usage error, 3 hub unreachable (local state intact).
            """,
        subcommands: [
            LoginCommand.self, RacesCommand.self, RaceCommand.self, CastJoinCommand.self, CastLeaveCommand.self,
            SyncCommand.self, StatusCommand.self, LiveCommand.self, FeedCommand.self, WebCommand.self,
            ParticipantCommand.self, CasterCommand.self, LifeCycleCommand.self, FinishCommand.self,
            ReleaseSeedsCommand.self,
        ])

    static func main() async {
        await CommandMain.run(Self.self, name: "racecli", report: printError)
    }
}
