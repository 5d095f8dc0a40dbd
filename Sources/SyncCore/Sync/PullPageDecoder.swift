public import Foundation

/// Decodes a pull page (`GET /api/sync/pull`) without `JSONDecoder`: one pass of
/// `JSONScanner`, then each change's `data` read straight into its type, with the same rules as
/// the `Decodable` conformances (same fields, same ranges, unknown kinds kept as `unknown`).
/// Equal to `WireJSON.decode(PullPage.self, …)` on every page a hub serves (a property test
/// holds it to that); about a tenth of its time.
public enum PullPageDecoder {
    public struct Invalid: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "not a pull page: \(reason)" }
    }

    public static func decode(_ data: Data) throws -> PullPage {
        let root: JSONNode
        do { root = try JSONScanner.parse(Array(data)) } catch { throw Invalid(reason: "\(error)") }
        guard let items = root["changes"]?.array else { throw Invalid(reason: "'changes' is not an array") }
        return PullPage(
            changes: try items.map(change), cursor: try text(root["cursor"], "cursor"),
            hasMore: try flag(root["has_more"], "has_more"), reset: try flag(root["reset"], "reset"))
    }

    static func change(_ node: JSONNode) throws -> Change {
        guard let seq = node["seq"]?.int64 else { throw Invalid(reason: "'seq' is not an integer") }
        let key = try text(node["key"], "key")
        let kind = try text(node["kind"], "kind")
        let data = node["data"] ?? .null
        switch kind {
        case "user": return Change(seq: seq, key: key, data: .user(try user(data)))
        case "race": return Change(seq: seq, key: key, data: .race(try race(data)))
        case "participant":
            return Change(
                seq: seq, key: key,
                data: .participant(
                    ParticipantState(
                        raceID: try uuid(data["race_id"], "race_id"), userID: try uuid(data["user_id"], "user_id"),
                        removed: data["removed"] == nil ? false : try flag(data["removed"], "removed"))))
        case "caster": return Change(seq: seq, key: key, data: .caster(try caster(data)))
        case "live":
            let stream = data["stream"]
            return Change(
                seq: seq, key: key,
                data: .live(
                    LiveState(
                        userID: try uuid(data["user_id"], "user_id"),
                        stream: stream == nil || stream!.isNull ? nil : try liveStream(stream!))))
        case "poll": return Change(seq: seq, key: key, data: .poll(PollState(at: try date(data["at"], "at"))))
        default: return Change(seq: seq, key: key, data: .unknown(kind))
        }
    }

    static func user(_ node: JSONNode) throws -> User {
        func optional(_ name: String) throws -> String? {
            guard let value = node[name], !value.isNull else { return nil }
            return try text(value, name)
        }
        return User(
            id: try uuid(node["id"], "id"), twitchUsername: try text(node["twitch_username"], "twitch_username"),
            twitchDisplayName: try optional("twitch_display_name"), twitchUserID: try optional("twitch_user_id"),
            avatarURL: try optional("avatar_url"))
    }

    static func race(_ node: JSONNode) throws -> RaceState {
        guard let status = RaceStatus(rawValue: try text(node["status"], "status")) else {
            throw Invalid(reason: "unknown race status")
        }
        guard let createdSeq = node["created_seq"]?.int64 else {
            throw Invalid(reason: "'created_seq' is not an integer")
        }
        let race = Race(
            id: try uuid(node["id"], "id"), name: try text(node["name"], "name"), status: status,
            seedsReleased: try flag(node["seeds_released"], "seeds_released"),
            organizerID: try uuid(node["organizer_id"], "organizer_id"),
            createdAt: try date(node["created_at"], "created_at"), updatedAt: try date(node["updated_at"], "updated_at")
        )
        return RaceState(race: race, createdSeq: createdSeq)
    }

    static func caster(_ node: JSONNode) throws -> CasterState {
        guard let hlcNode = node["hlc"], let wall = hlcNode["wall_ms"]?.int64, (0...HLC.maxWallMs).contains(wall),
            let counter = hlcNode["counter"]?.int64, (0...Int64(UInt16.max)).contains(counter),
            let nodeName = hlcNode["node"]?.string, HLC.isValidNode(nodeName)
        else { throw Invalid(reason: "'hlc' is not a hybrid logical clock stamp") }
        let changedBy = node["changed_by"]
        return CasterState(
            raceID: try uuid(node["race_id"], "race_id"), userID: try uuid(node["user_id"], "user_id"),
            register: CasterRegister(
                present: try flag(node["present"], "present"),
                hlc: HLC(wallMs: wall, counter: UInt16(counter), node: nodeName),
                opID: try uuid(node["op_id"], "op_id"),
                changedBy: changedBy == nil || changedBy!.isNull ? nil : try uuid(changedBy, "changed_by")))
    }

    static func liveStream(_ node: JSONNode) throws -> LiveStream {
        LiveStream(
            streamID: try text(node["stream_id"], "stream_id"), title: try text(node["title"], "title"),
            startedAt: try date(node["started_at"], "started_at"),
            observedAt: try date(node["observed_at"], "observed_at"))
    }

    private static func text(_ node: JSONNode?, _ name: String) throws -> String {
        guard let text = node?.string else { throw Invalid(reason: "'\(name)' is not a string") }
        return text
    }

    private static func flag(_ node: JSONNode?, _ name: String) throws -> Bool {
        guard let value = node?.bool else { throw Invalid(reason: "'\(name)' is not true or false") }
        return value
    }

    private static func uuid(_ node: JSONNode?, _ name: String) throws -> UUID {
        guard let text = node?.string, let id = UUID(text: text) else {
            throw Invalid(reason: "'\(name)' is not a UUID")
        }
        return id
    }

    private static func date(_ node: JSONNode?, _ name: String) throws -> Date {
        guard let text = node?.string, let date = Timestamp.parse(text) else {
            throw Invalid(reason: "'\(name)' is not an RFC 3339 time")
        }
        return date
    }
}
