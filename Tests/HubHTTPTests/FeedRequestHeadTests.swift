import NIOCore
import NIOEmbedded
import NIOHTTP1
import RaceWeb
import TestSupport
import Testing

/// The feed fast path's request parser: it recognizes only what it can answer as the router
/// would, says `other` to anything else, and where it recognizes a head, NIO's HTTP decoder (the
/// full stack's) reads the same request from the same bytes.
@Suite struct FeedRequestHeadTests {
    static func parse(_ text: String) -> FeedRequestHead.Parsed { FeedRequestHead.parse(Array(text.utf8)) }

    @Test func aFeedReadersRequestIsRecognizedWithWhatItsAnswerDependsOn() {
        let text =
            "GET /feeds/live.rss HTTP/1.1\r\nHost: hub.test\r\nuser-agent: reader/1 (\u{00e9})\r\n"
            + "ACCEPT-encoding:  gzip, br \t\r\nIf-None-Match: \"abc\"\r\nif-modified-since: Tue, 01 Dec 2026 10:00:00 GMT\r\n"
            + "Connection: Keep-Alive\r\n\r\n"
        #expect(
            Self.parse(text)
                == .feed(
                    FeedRequestHead(
                        isHead: false, format: "rss", acceptEncoding: "gzip, br \t", ifNoneMatch: "\"abc\"",
                        ifModifiedSince: "Tue, 01 Dec 2026 10:00:00 GMT", length: text.utf8.count)))
        for format in ["atom", "rss", "json"] {
            let head = "HEAD /feeds/live.\(format) HTTP/1.1\r\n\r\n"
            #expect(Self.parse(head) == .feed(FeedRequestHead(isHead: true, format: format, length: head.utf8.count)))
        }
    }

    @Test func anythingElseIsLeftToTheFullStack() {
        let host = "Host: h\r\n"
        for text in [
            "POST /feeds/live.atom HTTP/1.1\r\n\r\n", "get /feeds/live.atom HTTP/1.1\r\n\r\n",
            "GET /feeds/live.atom?x=1 HTTP/1.1\r\n\r\n", "GET /feeds/live.xml HTTP/1.1\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.0\r\n\r\n", "GET  /feeds/live.atom HTTP/1.1\r\n\r\n",
            "GET http://h/feeds/live.atom HTTP/1.1\r\n\r\n", "\r\nGET /feeds/live.atom HTTP/1.1\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\n\n", "GET /feeds/live.atom HTTP/1.1\r\nHost: h\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nAccept-Encoding: gzip\r\naccept-encoding: br\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nIf-None-Match: \"a\"\r\nIf-None-Match: \"b\"\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\n\(host) folded\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nAccept-Encoding : gzip\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\n: nameless\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nNo-Colon\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nX: a\u{0}b\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nX: a\u{7f}b\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nX: a\rb\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nIf-None-Match: \"\u{00e9}\"\r\n\r\n",
            "GET /feeds/live.atom HTTP/1.1\r\nX: " + String(repeating: "a", count: FeedRequestHead.maxLength)
                + "\r\n\r\n",
            "PUT", "",
        ] where text != "" {
            #expect(Self.parse(text) == .other, "\(text.debugDescription)")
        }
    }

    @Test func everyPrefixOfAHeadIsIncompleteAndWhatFollowsIsNotRead() {
        let text = "GET /feeds/live.json HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n"
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count {
            #expect(FeedRequestHead.parse(Array(bytes[0..<cut])) == .incomplete, "cut at \(cut)")
        }
        let expected = FeedRequestHead.parse(bytes)
        #expect(FeedRequestHead.parse(bytes + Array("GET /healthz HTTP/1.1\r\n\r\n".utf8)) == expected)
        #expect(FeedRequestHead.parse(bytes + [0xff, 0]) == expected)
    }

    /// Random edits of feed readers' heads (bytes inserted, dropped or replaced with the ones
    /// parsers trip on): whenever the parser recognizes a head, NIO's decoder reads the same
    /// method, path, version and header values from it, a request without a body that ends
    /// exactly where the parser says (a request after it is read as the next one).
    @Test func whatItRecognizesNIOsDecoderReadsTheSame() throws {
        var random = SeededGenerator(seed: 2026_12_03)
        let seeds = [
            "GET /feeds/live.atom HTTP/1.1\r\nHost: hub.test\r\nAccept-Encoding: gzip\r\n\r\n",
            "HEAD /feeds/live.rss HTTP/1.1\r\nIf-None-Match: \"x-gzip\"\r\nConnection: keep-alive\r\n\r\n",
            "GET /feeds/live.json HTTP/1.1\r\nIf-Modified-Since: Tue, 01 Dec 2026 10:00:00 GMT\r\nX-A: b\r\n\r\n",
        ].map { Array($0.utf8) }
        let alphabet = Array("\r\n :\t\0\u{7f}aA-,\"/?.1".utf8) + [0x80, 0xc3, 0xa9, 0xff]
        var recognized = 0
        for round in 0..<3000 {
            let bytes = random.mutate(seeds[round % seeds.count], edits: 0...3, alphabet: alphabet)
            guard case .feed(let head) = FeedRequestHead.parse(bytes) else { continue }
            recognized += 1
            let next = Array("GET /next HTTP/1.1\r\n\r\n".utf8)
            let parts = try Self.decodeWithNIO(Array(bytes[0..<head.length]) + next)
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            guard parts.count == 4, case .head(let request) = parts[0], case .end = parts[1],
                case .head(let following) = parts[2]
            else {
                Issue.record("NIO read \(parts) from \(shown)")
                continue
            }
            #expect(request.method == (head.isHead ? .HEAD : .GET), "\(shown)")
            #expect(request.uri == "/feeds/live.\(head.format)" && request.version == .http1_1, "\(shown)")
            #expect(request.headers["Accept-Encoding"].first == head.acceptEncoding, "\(shown)")
            #expect(request.headers["If-None-Match"].first == head.ifNoneMatch, "\(shown)")
            #expect(request.headers["If-Modified-Since"].first == head.ifModifiedSince, "\(shown)")
            #expect(request.isKeepAlive, "\(shown)")
            #expect(following.uri == "/next", "\(shown)")
        }
        #expect(recognized > 300)
    }

    /// What NIO's server-side HTTP/1.1 decoder reads from `bytes` (an error ends the list).
    static func decodeWithNIO(_ bytes: [UInt8]) throws -> [HTTPServerRequestPart] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        do { try channel.writeInbound(ByteBuffer(bytes: bytes)) } catch { return [] }
        var parts: [HTTPServerRequestPart] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        return parts
    }
}
