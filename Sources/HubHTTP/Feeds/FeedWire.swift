import Foundation
import HTTPTypes
import NIOCore
import RaceService
import SyncCore
import Synchronization

/// The fast path's ready-made answer parts, made once per rendering of a feed and shared by every
/// answer: the heads on the wire per choice (`FeedAnswer` decides every header, as it does for the
/// router) — the status line and the headers, `Server` included, all but `Date` and the closing
/// empty line, which `HTTPDateLine` adds — and, for a large body, a file to send it from.
final class FeedWire: Sendable {
    private struct Key: Hashable {
        var format: FeedRenderer.Format
        var choice: FeedAnswer.Choice
    }
    /// Made for one rendering (its `ETag`).
    private struct Made<Value> {
        var etag: String
        var value: Value
    }

    /// Bodies at least this long are sent from a file (`FeedBodyFile`); shorter ones from memory,
    /// in the same write as the head.
    static let fileThreshold = 32 << 10

    private let baseURL: String
    private let serverName: String
    private let heads = Mutex<[Key: Made<ByteBuffer>]>([:])
    private let files = Mutex<[FeedRenderer.Format: Made<FeedBodyFile?>]>([:])

    init(baseURL: String, serverName: String) {
        self.baseURL = baseURL
        self.serverName = serverName
    }

    /// The head for `choice` of the site-wide `feed` in `format`.
    func head(_ feed: FeedCache.Rendered, _ format: FeedRenderer.Format, _ choice: FeedAnswer.Choice) -> ByteBuffer {
        let key = Key(format: format, choice: choice)
        return heads.withLock { heads in
            if let made = heads[key], made.etag == feed.etag { return made.value }
            let answer = FeedAnswer(feed, scope: .all, format: format, baseURL: baseURL, choice: choice, isHead: false)
            let bytes = Self.serialize(answer.status, answer.headers, serverName: serverName)
            heads[key] = Made(etag: feed.etag, value: bytes)
            return bytes
        }
    }

    /// The file holding the uncompressed body of `feed`, when it is long enough to be worth one
    /// (made on first use: an in-memory file, no disk involved).
    func file(_ feed: FeedCache.Rendered, _ format: FeedRenderer.Format) -> FeedBodyFile? {
        guard feed.body.readableBytes >= Self.fileThreshold else { return nil }
        return files.withLock { files in
            if let made = files[format], made.etag == feed.etag { return made.value }
            let file = FeedBodyFile(feed.body)
            files[format] = Made(etag: feed.etag, value: file)
            return file
        }
    }

    /// `HTTP/1.1 <status>`, then each field and `Server`, one per line.
    static func serialize(_ status: HTTPResponse.Status, _ headers: HTTPFields, serverName: String) -> ByteBuffer {
        var bytes = ByteBuffer()
        bytes.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        for field in headers {
            bytes.writeString(field.name.rawName)
            bytes.writeString(": ")
            bytes.writeString(field.value)
            bytes.writeString("\r\n")
        }
        bytes.writeString("Server: \(serverName)\r\n")
        return bytes
    }
}

/// The `Date` header line and the head's closing empty line, formatted at most once a second
/// and shared by every answer of that second.
final class HTTPDateLine: Sendable {
    static let shared = HTTPDateLine()
    private let cached = Mutex<(second: Int, bytes: ByteBuffer)>((-1, ByteBuffer()))

    var now: ByteBuffer {
        let second = Int(Date().timeIntervalSince1970)
        return cached.withLock { cached in
            if cached.second != second {
                let text = Timestamp.rfc1123(Date(timeIntervalSince1970: Double(second)))
                cached = (second, ByteBuffer(string: "Date: \(text)\r\n\r\n"))
            }
            return cached.bytes
        }
    }
}
