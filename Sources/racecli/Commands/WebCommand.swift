import ArgumentParser
import RaceSyncCommand
import SyncNode

/// `racecli web`: the login URL of the node serving this replica's pages.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Print the login URL of this replica's web pages (served by 'syncd node --web').",
        discussion: """
            The pages answer only a browser that opened this URL; it changes each time the node starts.
            Example: racecli web    (then open the printed URL in your browser)
            """)

    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        guard let url = NodeWebLoginFile.read(replica: replica.path) else {
            throw CommandFailure.user(
                "no node serves web pages for \(replica.path); start one with 'syncd node --web 127.0.0.1:8090'")
        }
        print(url)
    }
}
