import Foundation
import HTTPTypes
import NIOCore
import RaceService
import SyncCore
import Synchronization

/// The heads of the fast path's answers as bytes on the wire, made once per rendering of a feed
/// and choice (`FeedAnswer` decides every header, as it does for the router), then shared by every
/// answer: the status line and the headers, `Server` included, all but `Date` and the closing
/// empty line, which `HTTPDateLine` adds.
final class FeedWireHeads: Sendable {
    private struct Key: Hashable {
        var format: FeedRenderer.Format
        var choice: FeedAnswer.Choice
    }
    private struct Entry {
        /// The rendering these bytes were made for.
        var etag: String
        var bytes: ByteBuffer
    }

    private let baseURL: String
    private let serverName: String
    private let made = Mutex<[Key: Entry]>([:])

    init(baseURL: String, serverName: String) {
        self.baseURL = baseURL
        self.serverName = serverName
    }

    /// The head for `choice` of the site-wide `feed` in `format`.
    func head(_ feed: FeedCache.Rendered, _ format: FeedRenderer.Format, _ choice: FeedAnswer.Choice) -> ByteBuffer {
        let key = Key(format: format, choice: choice)
        return made.withLock { made in
            if let entry = made[key], entry.etag == feed.etag { return entry.bytes }
            let answer = FeedAnswer(feed, scope: .all, format: format, baseURL: baseURL, choice: choice, isHead: false)
            let bytes = Self.serialize(answer.status, answer.headers, serverName: serverName)
            made[key] = Entry(etag: feed.etag, bytes: bytes)
            return bytes
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
