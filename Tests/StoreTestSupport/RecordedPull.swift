public import Foundation
public import RaceService
public import SyncCore

/// A store's whole pull as a release recorded it (`fixtures/stores/*-pull.json`), and pulls of a
/// migrated store to compare with it: a migration must serve the same changes at the same
/// positions from every cursor.
public struct RecordedPull: Sendable {
    /// A change as compared: position, kind, key and the payload's JSON in a canonical form.
    public struct Change: Equatable, Sendable, CustomStringConvertible {
        public var seq: Int64
        public var kind: String
        public var key: String
        public var data: String
        public var description: String { "\(seq) \(key) \(data)" }
    }

    /// The folder of the store fixtures.
    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/stores")

    /// The cursor at the end of the recorded pull (the old store's head).
    public let head: PullCursor
    public let changes: [Change]

    /// Reads `fixtures/stores/<name>`.
    public init(_ name: String) throws {
        let json = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        guard let entries = object?["entries"] as? [[String: Any]], let text = object?["cursor"] as? String,
            let head = PullCursor(text)
        else { throw CocoaError(.fileReadCorruptFile) }
        self.head = head
        changes = try entries.map { entry in
            guard let seq = entry["seq"] as? Int64, let kind = entry["kind"] as? String,
                let key = entry["key"] as? String, let data = entry["data"]
            else { throw CocoaError(.fileReadCorruptFile) }
            return Change(seq: seq, kind: kind, key: key, data: try Self.canonical(data))
        }
    }

    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Every change after `cursor`, pulled from `hub` in pages of `page`; a reset is an error.
    public static func pullAll(_ hub: Hub, from cursor: PullCursor, page: Int) async throws -> [Change] {
        var changes: [Change] = []
        var since = cursor
        while true {
            let batch = try await hub.pull(since: since, limit: page)
            if batch.reset { throw CocoaError(.featureUnsupported, userInfo: ["reason": "pull from \(since) reset"]) }
            changes += try batch.entries.map {
                Change(
                    seq: $0.seq, kind: $0.kind, key: $0.key,
                    data: try canonical(try JSONSerialization.jsonObject(with: Data($0.payload.utf8))))
            }
            since = batch.cursor
            if !batch.hasMore { return changes }
        }
    }

    /// The cursors (0 through the head) from which `hub`, pulling in pages of 3, does not serve
    /// exactly the recorded changes after them, and -1 when one page of 1000 from the start
    /// does not: empty when the store serves what was recorded.
    public func cursorsServedDifferently(by hub: Hub) async throws -> [Int64] {
        var differing: [Int64] = []
        for position in 0...head.seq {
            let cursor = PullCursor(storeID: head.storeID, seq: position)
            if try await Self.pullAll(hub, from: cursor, page: 3) != changes(after: position) {
                differing.append(position)
            }
        }
        let start = PullCursor(storeID: head.storeID, seq: 0)
        if try await Self.pullAll(hub, from: start, page: 1000) != changes { differing.append(-1) }
        return differing
    }

    /// The recorded changes after `position`.
    public func changes(after position: Int64) -> [Change] { changes.filter { $0.seq > position } }

    /// Adds back, as its race's organizer, the participant whose removal was recorded; answers
    /// the removal's key, the changes after the recorded head, and how many entries a whole pull
    /// has for that key.
    public func addBackRemovedParticipant(on hub: Hub) async throws
        -> (key: String, after: [Change], entriesOfKey: Int)
    {
        let (removal, race, user) = try removedParticipant()
        guard let organizer = try await hub.raceDetail(race)?.organizer,
            let login = try await hub.users().first(where: { $0.id == user })?.twitchUsername
        else { throw CocoaError(.fileReadCorruptFile) }
        _ = try await hub.addParticipant(race: race, caller: organizer.id, login: login)
        let after = try await Self.pullAll(hub, from: head, page: 10)
        let everything = try await Self.pullAll(hub, from: PullCursor(storeID: head.storeID, seq: 0), page: 1000)
        return (removal.key, after, everything.filter { $0.key == removal.key }.count)
    }

    /// The recorded removal of a participant: its race and user.
    public func removedParticipant() throws -> (change: Change, race: UUID, user: UUID) {
        guard let removal = changes.first(where: { $0.data.contains("\"removed\":true") }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let parts = removal.key.split(separator: ":").map(String.init)
        guard parts.count == 3, let race = UUID(uuidString: parts[1]), let user = UUID(uuidString: parts[2]) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return (removal, race, user)
    }
}
