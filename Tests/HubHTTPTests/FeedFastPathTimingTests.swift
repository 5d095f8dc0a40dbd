import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import HubHTTP

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

        /// Everything written to the client so far.
        func written() throws -> String {
            var text = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        /// Everything handed on to the HTTP stack so far.
        func handedOn() throws -> String {
            var text = ""
            while let buffer = try channel.readInbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
            return text
        }

        func wait(_ seconds: Int64) { channel.embeddedEventLoop.advanceTime(by: .seconds(seconds)) }
        var isOpen: Bool { channel.isActive }
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
        c.wait(59)
        #expect(c.isOpen)
        c.wait(2)
        #expect(!c.isOpen)
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
        c.wait(29)
        #expect(c.isOpen)
        c.wait(2)
        #expect(!c.isOpen)
    }

    @Test func aSplitHeadAStaleFeedOrAnotherRequestAreNeverAnsweredHere() async throws {
        let hub = try await HubHarness()
        for first in [String(Self.feedGET.prefix(20)), "GET /healthz HTTP/1.1\r\n\r\n"] {
            let c = try await Connection(hub)
            try c.send(first)
            #expect(try c.written().isEmpty && c.handedOn() == first)
            // The first-head timer was never stopped: still the connection's first 30 s.
            c.wait(31)
            #expect(!c.isOpen)
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
