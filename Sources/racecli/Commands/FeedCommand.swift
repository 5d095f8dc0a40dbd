public import ArgumentParser
import Foundation
import RaceService
import RaceSyncCommand
import SyncCore
import SyncNode
import SyncStore

extension FeedRenderer.Format: ExpressibleByArgument {}

struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Print the live-now feed rendered from the local replica.",
        discussion: "Example: racecli feed --format atom --race 3f2a (atom, rss or json: JSON Feed 1.1)")

    @Option(help: "atom or rss.")
    var format: FeedRenderer.Format

    @Option(help: "Only this race (id or unambiguous prefix).")
    var race: String?

    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let store = try replica.openForReading()
        defer { try? store.close() }
        let scope: FeedScope = try race.map { .race(try RaceLookup.resolve($0, in: store).id) } ?? .all
        // Self links point at the hub, so the replica renders the same bytes as the hub serves
        // when the hub's --public-url is the URL the replica logged in with.
        let base = try store.session()?.hub ?? "http://127.0.0.1:8080"
        guard let feed = try store.liveFeed(scope, baseURL: base) else { throw CommandFailure.user("race not found") }
        FileHandle.standardOutput.write(FeedRenderer.render(feed, as: format))
    }
}
