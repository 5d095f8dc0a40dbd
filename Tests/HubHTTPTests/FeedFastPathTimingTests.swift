import Foundation
import NIOCore
import NIOEmbedded
import RaceService
import SyncCore
import Testing

@testable import HubHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The feed fast path on a connection whose clock the test moves (`NIOAsyncTestingChannel`): it
/// times the connection between the requests it answers, renders a stale feed before answering,
/// and when it hands the connection to the HTTP stack, the bytes arrive untouched and the head
/// timer runs anew.
@Suite struct FeedFastPathTimingTests {
    /// A connection with the hub's first two handlers: admission, then the fast path.
    struct Connection {
        let channel = NIOAsyncTestingChannel()
        let feed: Data

        init(
            _ hub: HubHarness,
            render: (@Sendable (FeedRenderer.Format) async throws -> FeedCache.Rendered?)? = nil
        ) async throws {
            var limits = ConnectionLimits()
            limits.requestHeadTimeout = .seconds(30)
            limits.idleTimeout = .seconds(60)
            feed = try #require(try await hub.feeds.get(.all, .atom)).bytes
            let shared = FeedFastPath.Shared(
                cache: hub.feeds, metrics: hub.metrics, accessLog: nil, serverName: "racesync-hub", render: render)
            try await channel.testingEventLoop.executeInContext { [channel, limits] in
                let admission = ConnectionAdmission(limits: limits, counter: ConnectionCounter())
                try channel.pipeline.syncOperations.addHandler(admission)
                try channel.pipeline.syncOperations.addHandler(
                    FeedFastPath(shared, admission: admission, idleTimeout: limits.idleTimeout))
            }
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        }

        func send(_ text: String) async throws { try await channel.writeInbound(ByteBuffer(string: text)) }

        /// Everything written to the client so far, as it was written.
        func writes() async throws -> [IOData] {
            var all: [IOData] = []
            while let data = try await channel.readOutbound(as: IOData.self) { all.append(data) }
            return all
        }

        /// Everything written to the client so far (a file region read from its file).
        func written() async throws -> String {
            try Self.text(await writes())
        }

        /// What is written once something is (an answer made after a render, off the event loop);
        /// the guard turns an answer that never comes into a failure, not a stuck suite.
        func awaitWritten() async throws -> String {
            for _ in 0..<6000 {
                let text = try await written()
                if !text.isEmpty { return text }
                try await Task.sleep(for: .milliseconds(10))
            }
            return ""
        }

        static func text(_ writes: [IOData]) throws -> String {
            try writes.map { data in
                switch data {
                case .byteBuffer(let buffer): String(buffer: buffer)
                case .fileRegion(let region): try contents(region)
                }
            }.joined()
        }

        static func contents(_ region: FileRegion) throws -> String {
            var bytes = [UInt8](repeating: 0, count: region.readableBytes)
            let count = try region.fileHandle.withUnsafeFileDescriptor { fd in
                bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(region.readerIndex)) }
            }
            return String(decoding: bytes[0..<max(0, count)], as: UTF8.self)
        }

        /// Everything handed on to the HTTP stack so far.
        func handedOn() async throws -> String {
            var text = ""
            while let buffer = try await channel.readInbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        func wait(_ seconds: Int64) async { await channel.testingEventLoop.advanceTime(by: .seconds(seconds)) }
        var isOpen: Bool { channel.isActive }

        /// Whether the connection, left alone, is still open a second before `seconds` pass and
        /// closed a second after.
        func closes(after seconds: Int64) async -> Bool {
            await wait(seconds - 1)
            let openBefore = isOpen
            await wait(2)
            return openBefore && !isOpen
        }
    }

    static let feedGET = "GET /feeds/live.atom HTTP/1.1\r\nHost: hub.test\r\n\r\n"

    @Test func answersAreWholeAndAnIdleConnectionClosesAfterTheIdleTimeout() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        try await c.send(Self.feedGET + Self.feedGET.replacingOccurrences(of: "GET", with: "HEAD"))
        let text = try await c.written()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3)
        #expect(text.contains("\r\n\r\n" + String(decoding: c.feed, as: UTF8.self) + "HTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"), "the HEAD answer has no body")
        #expect(text.contains("Content-Length: \(c.feed.count)\r\n") && text.contains("Date: "))
        #expect(try await c.handedOn().isEmpty)
        // Past the first-head timeout, the connection stays: it is between requests.
        await c.wait(59)
        #expect(c.isOpen)
        try await c.send(Self.feedGET)
        #expect(await c.closes(after: 60))
    }

    @Test func aLargeBodyIsSentFromItsFileAndTheFileLivesUntilSent() async throws {
        let hub = try await HubHarness()
        try await FeedFastPathTests.makeLarge(hub)
        let c = try await Connection(hub)
        #expect(c.feed.count >= FeedWire.fileThreshold)
        try await c.send(Self.feedGET + Self.feedGET)
        let writes = try await c.writes()
        let regions = writes.filter {
            if case .fileRegion = $0 { return true } else { return false }
        }
        #expect(regions.count == 2)
        let text = try Connection.text(writes)
        let body = String(decoding: c.feed, as: UTF8.self)
        #expect(text.components(separatedBy: "\r\n\r\n" + body).count == 3)
        #expect(text.hasSuffix(body))
        // Gzip comes from memory, as before.
        try await c.send(Self.feedGET.replacingOccurrences(of: "\r\n\r\n", with: "\r\nAccept-Encoding: gzip\r\n\r\n"))
        #expect(try await c.written().contains("Content-Encoding: gzip"))
    }

    @Test func aStaleFeedIsRenderedThenAnsweredAndTheRequestsBehindItWait() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        // A write moves the store on: the cached rendering is stale.
        let race = try await hub.storage.createRace(name: "New", organizer: #require(hub.ids["org"]))
        _ = try await hub.storage.addCaster(race: race.id, caller: #require(hub.ids["org"]), login: "alice")
        try await hub.storage.recordPoll(
            seen: [
                try #require(hub.ids["alice"]): LiveStream(
                    streamID: "1", title: "Alice live", startedAt: Date(), observedAt: Date())
            ], at: Date())
        #expect(hub.feeds.current(.all, .atom) == nil)
        try await c.send(Self.feedGET + Self.feedGET)
        let text = try await c.awaitWritten() + c.written()
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3, "\(text)")
        #expect(text.contains("Alice live"))
        #expect(try await c.handedOn().isEmpty)
        #expect(hub.feeds.current(.all, .atom) != nil)
        #expect(await c.closes(after: 60))
    }

    @Test func aFeedThatCannotBeRenderedIsLeftToTheStackWithWhatFollowsIt() async throws {
        let hub = try await HubHarness()
        // As when the store is away (a database restarting): the router answers 503 for it.
        let c = try await Connection(hub) { _ in throw StoreUnavailable("the database is restarting") }
        _ = try await hub.storage.createRace(name: "New", organizer: #require(hub.ids["org"]))
        let sent = Self.feedGET + "GET /healthz HTTP/1.1\r\n"
        try await c.send(sent)
        var handed = ""
        for _ in 0..<6000 where handed.isEmpty {
            handed = try await c.handedOn()
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(handed == sent)
        #expect(try await c.written().isEmpty)
    }

    @Test func theFirstRequestItCannotAnswerGoesOnUntouchedAndMustBeWholeInTime() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        let rest = "GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n" + Self.feedGET
        try await c.send(Self.feedGET + rest)
        #expect(try await c.written().components(separatedBy: "HTTP/1.1 200 OK").count == 2)
        #expect(try await c.handedOn() == rest)
        // From here on everything goes to the stack, feeds included.
        try await c.send(Self.feedGET)
        #expect(try await c.handedOn() == Self.feedGET)
        #expect(try await c.written().isEmpty)
        // Nothing told the head timer a head came: it closes the connection in 30 s.
        #expect(await c.closes(after: 30))
    }

    @Test func aSplitHeadOrAnotherRequestIsNeverAnsweredHere() async throws {
        let hub = try await HubHarness()
        for first in [String(Self.feedGET.prefix(20)), "GET /healthz HTTP/1.1\r\n\r\n"] {
            let c = try await Connection(hub)
            try await c.send(first)
            #expect(try await c.written().isEmpty)
            #expect(try await c.handedOn() == first)
            // The first-head timer was never stopped: still the connection's first 30 s.
            #expect(await c.closes(after: 30))
        }
        // A client that does not read what it was sent: the stack's backpressure takes over.
        let unread = try await Connection(hub)
        unread.channel.isWritable = false
        try await unread.send(Self.feedGET)
        #expect(try await unread.written().isEmpty)
        #expect(try await unread.handedOn() == Self.feedGET)
    }

    @Test func aShuttingDownServerClosesTheConnectionsItServes() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        try await c.send(Self.feedGET)
        _ = try await c.written()
        c.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        await c.channel.testingEventLoop.run()
        #expect(!c.isOpen)
    }
}
