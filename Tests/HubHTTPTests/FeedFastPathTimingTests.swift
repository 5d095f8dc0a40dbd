import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import HubHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The feed fast path on a connection whose clock the test moves (`EmbeddedChannel`): it times
/// the connection between the requests it answers, and when it hands the connection to the HTTP
/// stack, the bytes arrive untouched and the head timer runs anew.
@Suite struct FeedFastPathTimingTests {
    /// A connection with the hub's first two handlers: admission, then the fast path.
    struct Connection {
        let channel = EmbeddedChannel()
        let limits: ConnectionLimits
        let feed: Data

        init(_ hub: HubHarness) async throws {
            var limits = ConnectionLimits()
            limits.requestHeadTimeout = .seconds(30)
            limits.idleTimeout = .seconds(60)
            self.limits = limits
            feed = try #require(try await hub.feeds.get(.all, .atom)).bytes
            let admission = ConnectionAdmission(limits: limits, counter: ConnectionCounter())
            let shared = FeedFastPath.Shared(
                cache: hub.feeds, metrics: hub.metrics, accessLog: nil, serverName: "racesync-hub")
            try channel.pipeline.syncOperations.addHandler(admission)
            try channel.pipeline.syncOperations.addHandler(
                FeedFastPath(shared, admission: admission, idleTimeout: limits.idleTimeout))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        }

        func send(_ text: String) throws { try channel.writeInbound(ByteBuffer(string: text)) }

        /// Everything written to the client so far, as it was written.
        func writes() throws -> [IOData] {
            var all: [IOData] = []
            while let data = try channel.readOutbound(as: IOData.self) { all.append(data) }
            return all
        }

        /// Everything written to the client so far (a file region read from its file).
        func written() throws -> String {
            try Self.text(writes())
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
        func handedOn() throws -> String {
            var text = ""
            while let buffer = try channel.readInbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        func wait(_ seconds: Int64) { channel.embeddedEventLoop.advanceTime(by: .seconds(seconds)) }
        var isOpen: Bool { channel.isActive }

        /// Whether the connection, left alone, is still open a second before `seconds` pass and
        /// closed a second after.
        func closes(after seconds: Int64) -> Bool {
            wait(seconds - 1)
            let openBefore = isOpen
            wait(2)
            return openBefore && !isOpen
        }
    }

    static let feedGET = "GET /feeds/live.atom HTTP/1.1\r\nHost: hub.test\r\n\r\n"

    @Test func answersAreWholeAndAnIdleConnectionClosesAfterTheIdleTimeout() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        try c.send(Self.feedGET + Self.feedGET.replacingOccurrences(of: "GET", with: "HEAD"))
        let text = try c.written()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3)
        #expect(text.contains("\r\n\r\n" + String(decoding: c.feed, as: UTF8.self) + "HTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"), "the HEAD answer has no body")
        #expect(text.contains("Content-Length: \(c.feed.count)\r\n") && text.contains("Date: "))
        #expect(try c.handedOn().isEmpty)
        // Past the first-head timeout, the connection stays: it is between requests.
        c.wait(59)
        #expect(c.isOpen)
        try c.send(Self.feedGET)
        #expect(c.closes(after: 60))
    }

    @Test func aLargeBodyIsSentFromItsFileAndTheFileLivesUntilSent() async throws {
        let hub = try await HubHarness()
        try await FeedFastPathTests.makeLarge(hub)
        let c = try await Connection(hub)
        #expect(c.feed.count >= FeedWire.fileThreshold)
        try c.send(Self.feedGET + Self.feedGET)
        let writes = try c.writes()
        let regions = writes.filter {
            if case .fileRegion = $0 { return true } else { return false }
        }
        #expect(regions.count == 2)
        let text = try Connection.text(writes)
        let body = String(decoding: c.feed, as: UTF8.self)
        #expect(text.components(separatedBy: "\r\n\r\n" + body).count == 3)
        #expect(text.hasSuffix(body))
        // Gzip and HEAD come from memory, as before.
        try c.send(Self.feedGET.replacingOccurrences(of: "\r\n\r\n", with: "\r\nAccept-Encoding: gzip\r\n\r\n"))
        #expect(try c.written().contains("Content-Encoding: gzip"))
    }

    @Test func theFirstRequestItCannotAnswerGoesOnUntouchedAndMustBeWholeInTime() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        let rest = "GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n" + Self.feedGET
        try c.send(Self.feedGET + rest)
        #expect(try c.written().components(separatedBy: "HTTP/1.1 200 OK").count == 2)
        #expect(try c.handedOn() == rest)
        // From here on everything goes to the stack, feeds included.
        try c.send(Self.feedGET)
        #expect(try c.handedOn() == Self.feedGET && c.written().isEmpty)
        // Nothing told the head timer a head came: it closes the connection in 30 s.
        #expect(c.closes(after: 30))
    }

    @Test func aSplitHeadAStaleFeedOrAnotherRequestAreNeverAnsweredHere() async throws {
        let hub = try await HubHarness()
        for first in [String(Self.feedGET.prefix(20)), "GET /healthz HTTP/1.1\r\n\r\n"] {
            let c = try await Connection(hub)
            try c.send(first)
            #expect(try c.written().isEmpty && c.handedOn() == first)
            // The first-head timer was never stopped: still the connection's first 30 s.
            #expect(c.closes(after: 30))
        }
        // A client that does not read what it was sent: the stack's backpressure takes over.
        let unread = try await Connection(hub)
        unread.channel.isWritable = false
        try unread.send(Self.feedGET)
        #expect(try unread.written().isEmpty && unread.handedOn() == Self.feedGET)
        let c = try await Connection(hub)
        // A write moves the store on: the cached rendering is stale until the router renders again.
        _ = try await hub.storage.createRace(name: "New", organizer: #require(hub.ids["org"]))
        try c.send(Self.feedGET)
        #expect(try c.written().isEmpty && c.handedOn() == Self.feedGET)
    }

    @Test func aShuttingDownServerClosesTheConnectionsItServes() async throws {
        let hub = try await HubHarness()
        let c = try await Connection(hub)
        try c.send(Self.feedGET)
        _ = try c.written()
        c.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        c.channel.embeddedEventLoop.run()
        #expect(!c.isOpen)
    }
}
