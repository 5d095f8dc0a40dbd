import ArgumentParser
import Foundation

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
            SyncCommand.self, StatusCommand.self, LiveCommand.self, FeedCommand.self,
        ])

    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // --help, -h, help SUBCOMMAND and --version: ArgumentParser prints them and exits 0.
            if exitCode(for: error) == .success { exit(withError: error) }
            printError(fullMessage(for: error))
            Foundation.exit(2)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            Foundation.exit(0)
        } catch let failure as CLIExit {
            printError("racecli: \(failure.message)")
            Foundation.exit(failure.code)
        } catch {
            // The root command's run() asks for help this way (`racecli` alone, `racecli --help`).
            if exitCode(for: error) == .success { exit(withError: error) }
            printError("racecli: \(error)")
            Foundation.exit(1)
        }
    }
}
