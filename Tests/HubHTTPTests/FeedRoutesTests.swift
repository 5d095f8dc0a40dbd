import CompressNIO
import Foundation
import HTTPTypes
import Logging
import RaceService
import RaceWeb
import Testing

@testable import HubHTTP
@testable import SyncCore
@testable import SyncStore
@testable import SyncTwitch

@Suite struct FeedRoutesTests {
    func stream(_ id: String, _ title: String = "Racing", login: String) -> LiveStream {
        LiveStream(
            streamID: id, title: title, startedAt: Date(timeIntervalSince1970: 1_790_000_000), observedAt: Date())
    }

    @Test func servesAtomAndRSSWithValidatorsAnd304() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: "alice")
            let empty = try await c.call(.get, "/feeds/live.atom")
            #expect(empty.status == 200)
            #expect(empty.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(empty.text.contains("<updated>1970-01-01T00:00:00Z</updated>"))
            let etag = try #require(empty.headers[.eTag])
            #expect(etag.hasPrefix("\"") && empty.headers[.lastModified] != nil)
            // Unchanged state: same ETag, and 304 on either validator.
            #expect(try await c.call(.get, "/feeds/live.atom").headers[.eTag] == etag)
            var headers = HTTPFields()
            headers[.ifNoneMatch] = etag
            let notModified = try await c.client.execute(uri: "/feeds/live.atom", method: .get, headers: headers) { $0 }
            #expect(notModified.status == .notModified && notModified.body.readableBytes == 0)
            var since = HTTPFields()
            since[.ifModifiedSince] = empty.headers[.lastModified]!
            #expect(
                try await c.client.execute(uri: "/feeds/live.atom", method: .get, headers: since) { $0 }.status
                    == .notModified)
            // A streamer goes live: new ETag, 200, one item.
            try await hub.store.hub.recordPoll(seen: [hub.ids["alice"]!: stream("1", login: "alice")], at: Date())
            let live = try await c.client.execute(uri: "/feeds/live.atom", method: .get, headers: headers) { $0 }
            #expect(live.status == .ok && live.headers[.eTag] != etag)
            let firstID = try #require(Self.ids(in: String(buffer: live.body)).first)
            // The stream restarts: a new item id.
            try await hub.store.hub.recordPoll(seen: [hub.ids["alice"]!: stream("2", login: "alice")], at: Date())
            let restarted = try await c.call(.get, "/feeds/live.atom")
            let secondID = try #require(Self.ids(in: restarted.text).first)
            #expect(secondID != firstID)
            let rss = try await c.call(.get, "/feeds/live.rss")
            #expect(rss.headers[.contentType] == "application/rss+xml; charset=utf-8")
            #expect(rss.text.contains("<guid isPermaLink=\"false\">\(secondID)</guid>"))
            #expect(rss.text.contains("http://hub.test/feeds/live.rss"))
            // JSON Feed 1.1: the same item, with its own validators and 304.
            let json = try await c.call(.get, "/feeds/live.json")
            #expect(json.headers[.contentType] == "application/feed+json")
            let items = try #require(json.object["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [secondID])
            #expect(json.object["feed_url"] as? String == "http://hub.test/feeds/live.json")
            var jsonMatch = HTTPFields()
            jsonMatch[.ifNoneMatch] = try #require(json.headers[.eTag])
            #expect(
                try await c.client.execute(uri: "/feeds/live.json", method: .get, headers: jsonMatch) { $0 }.status
                    == .notModified)
            let perRace = try await c.call(.get, "/feeds/races/\(race)/live.json")
            #expect(perRace.status == 200 && (perRace.object["items"] as? [Any])?.count == 1)
            #expect(try await c.call(.get, "/feeds/races/\(UUID().uuidString)/live.json").status == 404)
        }
    }

    @Test func aClientThatAcceptsGzipGetsTheSameFeedCompressed() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            for login in ["alice", "bob", "carol"] {
                _ = try await c.call(.post, "/api/races/\(race)/cast-join", as: login)
            }
            try await hub.store.hub.recordPoll(
                seen: Dictionary(
                    uniqueKeysWithValues: ["alice", "bob", "carol"].map {
                        (hub.ids[$0]!, stream($0, "Any% in \($0)'s style", login: $0))
                    }),
                at: Date())
            let plain = try await c.client.execute(uri: "/feeds/live.atom", method: .get) { $0 }
            #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding")
            let packed = try await c.client.execute(
                uri: "/feeds/live.atom", method: .get, headers: [.acceptEncoding: "br;q=1, gzip;q=0.8"]
            ) { $0 }
            #expect(packed.status == .ok && packed.headers[.contentEncoding] == "gzip")
            #expect(packed.headers[.contentLength] == String(packed.body.readableBytes))
            #expect(packed.body.readableBytes < plain.body.readableBytes)
            var compressed = packed.body
            let unpacked = try compressed.decompress(with: .gzip())
            #expect(unpacked == plain.body)
            let etag = try #require(packed.headers[.eTag])
            #expect(etag != plain.headers[.eTag])
            let again = try await c.client.execute(
                uri: "/feeds/live.atom", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]
            ) { $0.status }
            #expect(again == .notModified)
            let refused = try await c.client.execute(
                uri: "/feeds/live.atom", method: .get, headers: [.acceptEncoding: "gzip;q=0"]
            ) { $0 }
            #expect(refused.headers[.contentEncoding] == nil)
        }
    }

    @Test func acceptEncodingIsReadByWeight() {
        #expect(ContentCoding.acceptsGzip("gzip"))
        #expect(ContentCoding.acceptsGzip("deflate, GZIP;q=0.5"))
        #expect(ContentCoding.acceptsGzip("*"))
        #expect(!ContentCoding.acceptsGzip("gzip;q=0, *"))
        #expect(!ContentCoding.acceptsGzip("gzip;q=0.000"))
        #expect(!ContentCoding.acceptsGzip("br, deflate"))
        #expect(!ContentCoding.acceptsGzip(nil))
        #expect(!ContentCoding.acceptsGzip(String(repeating: "x,", count: 5000) + "gzip"))
        #expect(ContentCoding.acceptsGzip(";;,,gzip;q=abc"))
    }

    @Test func perRaceFeeds() async throws {
        let hub = try await HubHarness()
        try await hub.run { c in
            let race = try await c.race()
            _ = try await c.call(.post, "/api/races/\(race)/participants", as: "org", json: ["twitch_username": "bob"])
            try await hub.store.hub.recordPoll(seen: [hub.ids["bob"]!: stream("9", login: "bob")], at: Date())
            let feed = try await c.call(.get, "/feeds/races/\(race)/live.rss")
            #expect(feed.status == 200 && feed.text.contains("Bob is live (participant)"))
            #expect(try await c.call(.get, "/feeds/races/\(UUID().uuidString)/live.atom").status == 404)
            #expect(try await c.call(.get, "/feeds/races/nope/live.atom").status == 422)
            _ = try await c.call(.post, "/api/races/\(race)/start", as: "org")
            _ = try await c.call(.post, "/api/races/\(race)/finish", as: "org")
            let finished = try await c.call(.get, "/feeds/races/\(race)/live.atom")
            #expect(finished.status == 200 && !finished.text.contains("<entry>") && finished.text.contains("</feed>"))
            let head = try await c.client.execute(uri: "/feeds/races/\(race)/live.atom", method: .head) { $0 }
            #expect(head.status == .ok && head.body.readableBytes == 0 && head.headers[.eTag] != nil)
        }
    }

    static func ids(in atom: String) -> [String] {
        atom.components(separatedBy: "<entry>").dropFirst().compactMap { entry in
            entry.range(of: "<id>").flatMap { start in
                entry.range(of: "</id>").map { end in String(entry[start.upperBound..<end.lowerBound]) }
            }
        }
    }
}

@Suite struct FeedExportTests {
    @Test func exportIsAtomicAndRemovesInactiveRaces() async throws {
        let hub = try await HubHarness()
        let dir = hub.dir + "/feeds"
        let cache = FeedCache(store: hub.storage, baseURL: "http://hub.test")
        let exporter = FeedExporter(directory: dir, cache: cache, store: hub.storage)
        let org = hub.ids["org"]!
        let a = try await hub.store.hub.createRace(name: "A", organizer: org)
        let b = try await hub.store.hub.createRace(name: "B", organizer: org)
        _ = try await hub.store.hub.castJoin(race: a.id, caller: hub.ids["alice"]!)
        #expect(try await exporter.export() == 9)  // three formats for all races and for each of the two
        for path in [
            "live.atom", "live.rss", "live.json", "races/\(a.id.lowercased)/live.atom",
            "races/\(b.id.lowercased)/live.rss", "races/\(b.id.lowercased)/live.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + path), "\(path)")
        }
        // A reader loops over the files while exports rewrite them: it never sees a partial file.
        // It sleeps a millisecond between rounds: a loop that never suspends would hold one of
        // the cooperative pool's threads (two on a 2-core machine) until the exports end.
        let stop = ManagedAtomicFlag()
        let reader = Task.detached {
            var reads = 0
            while !stop.isSet || reads < 50 {
                for name in ["live.atom", "live.rss"] {
                    let text = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? ""
                    if !(text.hasSuffix("</feed>\n") || text.hasSuffix("</rss>\n")) { return -1 }
                    reads += 1
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
            return reads
        }
        for i in 0..<40 {
            let streams =
                i % 2 == 0
                ? [
                    hub.ids["alice"]!: LiveStream(
                        streamID: "\(i)", title: String(repeating: "long title ", count: 200), startedAt: Date(),
                        observedAt: Date())
                ] : [:]
            try await hub.store.hub.recordPoll(seen: streams, at: Date())
            try await exporter.export()
        }
        stop.set()
        let reads = await reader.value
        #expect(reads > 0)
        // Finishing race B removes its files.
        _ = try await hub.store.hub.transition(.start, race: b.id, caller: org)
        _ = try await hub.store.hub.transition(.finish, race: b.id, caller: org)
        try await exporter.export()
        #expect(!FileManager.default.fileExists(atPath: dir + "/races/\(b.id.lowercased)"))
        #expect(FileManager.default.fileExists(atPath: dir + "/races/\(a.id.lowercased)/live.atom"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

extension FeedExportTests {
    @Test func cleanupDeletesOnlyItsOwnRaceFoldersAndNeverFollowsLinks() async throws {
        let hub = try await HubHarness()
        let dir = hub.dir + "/feeds"
        let elsewhere = hub.dir + "/elsewhere"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/races", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: elsewhere + "/precious.txt"))
        // Things the exporter did not write: a non-UUID folder, a file, a UUID-named link elsewhere,
        // and a stale race folder that also holds someone else's file.
        try fm.createDirectory(atPath: dir + "/races/notes", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/races/README"))
        let linkName = UUID().lowercased
        try fm.createSymbolicLink(atPath: dir + "/races/" + linkName, withDestinationPath: elsewhere)
        let stale = UUID().lowercased
        try fm.createDirectory(atPath: dir + "/races/" + stale, withIntermediateDirectories: true)
        for name in ["live.atom", "live.rss", "mine.txt"] {
            try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/races/\(stale)/" + name))
        }
        let exporter = FeedExporter(
            directory: dir, cache: FeedCache(store: hub.storage, baseURL: "http://hub.test"), store: hub.storage)
        try await exporter.export()
        #expect(fm.fileExists(atPath: dir + "/races/notes") && fm.fileExists(atPath: dir + "/races/README"))
        #expect(fm.fileExists(atPath: elsewhere + "/precious.txt"))
        #expect((try? fm.destinationOfSymbolicLink(atPath: dir + "/races/" + linkName)) == elsewhere)
        #expect(try fm.contentsOfDirectory(atPath: dir + "/races/" + stale) == ["mine.txt"])
        // `races` itself a link: refused, nothing written through it.
        try fm.removeItem(atPath: dir + "/races")
        try fm.createSymbolicLink(atPath: dir + "/races", withDestinationPath: elsewhere)
        _ = try await hub.store.hub.createRace(name: "A", organizer: hub.ids["org"]!)
        await #expect(throws: FeedExporter.ExportError.self) { try await exporter.export() }
        #expect(try fm.contentsOfDirectory(atPath: elsewhere) == ["precious.txt"])
    }

    /// A file whose bytes did not change is not written again; a race folder swapped for a
    /// link to somewhere else is refused and nothing is written through it.
    @Test func unchangedFilesStayAndASwappedFolderIsNeverFollowed() async throws {
        let hub = try await HubHarness()
        let dir = hub.dir + "/feeds"
        let elsewhere = hub.dir + "/elsewhere"
        let fm = FileManager.default
        try fm.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let race = try await hub.store.hub.createRace(name: "A", organizer: hub.ids["org"]!)
        let exporter = FeedExporter(
            directory: dir, cache: FeedCache(store: hub.storage, baseURL: "http://hub.test"), store: hub.storage)
        #expect(try await exporter.export() == 6)
        func inode(_ path: String) -> UInt64? {
            (try? fm.attributesOfItem(atPath: dir + "/" + path)[.systemFileNumber] as? NSNumber)?.uint64Value
        }
        let before = inode("races/\(race.id.lowercased)/live.atom")
        #expect(try await exporter.export() == 0, "nothing changed, nothing written")
        #expect(inode("races/\(race.id.lowercased)/live.atom") == before)
        _ = try await hub.store.hub.castJoin(race: race.id, caller: hub.ids["alice"]!)
        _ = try await exporter.export()
        // Swap the race folder for a link to a folder the export must never write into.
        try fm.removeItem(atPath: dir + "/races/" + race.id.lowercased)
        try fm.createSymbolicLink(atPath: dir + "/races/" + race.id.lowercased, withDestinationPath: elsewhere)
        try await hub.store.hub.recordPoll(
            seen: [hub.ids["alice"]!: LiveStream(streamID: "s", title: "t", startedAt: Date(), observedAt: Date())],
            at: Date())
        await #expect(throws: FeedExporter.ExportError.self) { try await exporter.export() }
        #expect(try fm.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func theExportServiceFollowsARaceThroughItsLifeWithoutTwitch() async throws {
        let hub = try await HubHarness()
        let dir = hub.dir + "/feeds"
        let exporter = FeedExporter(
            directory: dir, cache: FeedCache(store: hub.storage, baseURL: "http://hub.test"), store: hub.storage)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = FeedExportService(
            exporter: exporter, signal: hub.store.changeSignal, debounce: .milliseconds(50), logger: logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let org = hub.ids["org"]!
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: dir + "/" + path) }
        func eventually(_ what: @escaping () -> Bool) async -> Bool {
            for _ in 0..<100 {
                if what() { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return what()
        }
        #expect(await eventually { exists("live.atom") })
        let race = try await hub.store.hub.createRace(name: "Any%", organizer: org)
        let folder = "races/\(race.id.lowercased)/live.rss"
        #expect(await eventually { exists(folder) })
        _ = try await hub.store.hub.castJoin(race: race.id, caller: hub.ids["alice"]!)
        try await hub.store.hub.recordPoll(
            seen: [
                hub.ids["alice"]!: LiveStream(streamID: "s1", title: "casting", startedAt: Date(), observedAt: Date())
            ], at: Date())
        #expect(
            await eventually {
                ((try? String(contentsOfFile: dir + "/" + folder, encoding: .utf8)) ?? "").contains("casting")
            })
        _ = try await hub.store.hub.transition(.start, race: race.id, caller: org)
        _ = try await hub.store.hub.transition(.finish, race: race.id, caller: org)
        #expect(await eventually { !exists("races/\(race.id.lowercased)") })
    }
}

/// A flag shared with a detached reader.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
