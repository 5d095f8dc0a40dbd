import ArgumentParser
import Foundation
import SyncCore

struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Print the live-now feed rendered from the local replica.",
        discussion: "Example: racecli feed --format atom --race 3f2a")

    enum Format: String, ExpressibleByArgument, CaseIterable { case atom, rss }

    @Option(help: "atom or rss.")
    var format: Format

    @Option(help: "Only this race (id or unambiguous prefix).")
    var race: String?

    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        throw CLIExit.user("feeds are not available in this build yet")
    }
}
