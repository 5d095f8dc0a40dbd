import CompressNIO
import Crypto
public import Foundation
public import NIOCore
public import RaceService
public import SyncCore
import Synchronization

/// The hub's rendered feeds, kept in memory until the store changes, so a GET is a copy
/// and does not touch SQLite. A strong ETag (hash of the bytes) and `Last-Modified` (when the
/// bytes last changed) go with each.
public final class FeedCache: Sendable {
    /// A rendered feed and its validators, with everything a response needs precomputed
    /// when the bytes change, so serving it is a reference copy.
    public struct Rendered: Sendable {
        public var bytes: Data
        public var etag: String
        public var lastModified: Date
        /// The body, shared by every response (copy-on-write, never copied while unchanged).
        public let body: ByteBuffer
        /// `Last-Modified` as an HTTP date.
        public let lastModifiedText: String
        /// `Content-Length`.
        public let lengthText: String
        /// The same bytes gzip-compressed, for clients that accept it (feed readers do): a
        /// 300-item feed shrinks about tenfold. Compressed once, when the bytes change.
        public let gzip: Compressed?

        /// A compressed representation: its own body, length and `ETag`.
        public struct Compressed: Sendable {
            public let body: ByteBuffer
            public let etag: String
            public let lengthText: String
        }

        init(bytes: Data, etag: String, lastModified: Date) {
            self.bytes = bytes
            self.etag = etag
            self.lastModified = lastModified
            self.body = ByteBuffer(bytes: bytes)
            self.lastModifiedText = Timestamp.rfc1123(lastModified)
            self.lengthText = String(bytes.count)
            var source = self.body
            if let packed = try? source.compress(with: .gzip()) {
                gzip = Compressed(
                    body: packed, etag: String(etag.dropLast()) + "-gzip\"", lengthText: String(packed.readableBytes))
            } else {
                gzip = nil
            }
        }
    }

    private struct Key: Hashable {
        var scope: FeedScope
        var format: FeedRenderer.Format
    }

    private struct Entry {
        var generation: UInt64
        var rendered: Rendered
    }

    /// How far `Last-Modified` is dated before the moment the bytes changed.
    static let lastModifiedMarginSeconds: TimeInterval = 2

    private let store: Hub
    private let entries = Mutex<[Key: Entry]>([:])
    private let base: Mutex<String>
    private let now: @Sendable () -> Date

    public init(store: Hub, baseURL: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.base = Mutex(baseURL)
        self.now = now
    }

    /// The public base URL used in self links.
    public var baseURL: String {
        get { base.withLock { $0 } }
        set {
            base.withLock { $0 = newValue }
            entries.withLock { $0.removeAll() }
        }
    }

    /// The rendered feed if it is still current (memory only, never SQLite); nil when it must be
    /// rendered again (or was never rendered).
    public func current(_ scope: FeedScope, _ format: FeedRenderer.Format) -> Rendered? {
        let generation = store.changeSignal.generation
        guard let entry = entries.withLock({ $0[Key(scope: scope, format: format)] }), entry.generation == generation
        else { return nil }
        return entry.rendered
    }

    /// The feed of `scope` in `format`; nil when the scope names an unknown race.
    public func get(_ scope: FeedScope, _ format: FeedRenderer.Format) async throws -> Rendered? {
        let key = Key(scope: scope, format: format)
        let generation = store.changeSignal.generation
        if let rendered = current(scope, format) { return rendered }
        guard let feed = try await store.liveFeed(scope, baseURL: baseURL) else { return nil }
        let bytes = FeedRenderer.render(feed, as: format)
        let etag = "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        // Unchanged bytes keep their validators (and `Last-Modified`): only the generation moves.
        let unchanged = entries.withLock { entries -> Rendered? in
            guard let old = entries[key], old.rendered.etag == etag else { return nil }
            entries[key] = Entry(generation: generation, rendered: old.rendered)
            return old.rendered
        }
        if let unchanged { return unchanged }
        // `Last-Modified` must never be later than the response's `Date` (RFC 9110 §8.8.2.1),
        // which the server stamps from a clock that ticks once a second: date the bytes two
        // seconds back. Comparisons use this same value, so a 304 is never stale. Built (and
        // gzipped) outside the lock, which other feed requests wait on.
        let seconds = (now().timeIntervalSince1970).rounded(.down) - Self.lastModifiedMarginSeconds
        let rendered = Rendered(bytes: bytes, etag: etag, lastModified: Date(timeIntervalSince1970: seconds))
        return entries.withLock { entries -> Rendered in
            // A concurrent render of the same bytes got there first: every client sees one `Last-Modified`.
            if let raced = entries[key], raced.rendered.etag == etag { return raced.rendered }
            entries[key] = Entry(generation: generation, rendered: rendered)
            return rendered
        }
    }
}
