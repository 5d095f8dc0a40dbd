public import Foundation

/// Decodes the body of `POST /api/sync/push` without `JSONDecoder` when it is a plain push: one
/// pass of `JSONScanner`, each op read with the same rules as `Op`'s and `HLC`'s `Decodable`
/// conformances. It accepts only what `JSONDecoder` accepts, with the same result, and returns nil
/// for anything else or anything unusual (invalid UTF-8, a key given twice, a number that is not a
/// plain integer, a value out of range): the hub then decodes the body with `JSONDecoder`, which
/// accepts it or says what is wrong, as it always did. A property test and the push fuzzer hold
/// the two to that.
public enum PushRequestDecoder {
    /// The push in `bytes`, or nil when `JSONDecoder` must decide.
    public static func decode(_ bytes: [UInt8]) -> PushRequest? {
        guard let root = plainObject(bytes), let nodeID = root["node_id"]?.string,
            let ops = root["ops"]?.array.flatMap({ every($0, op) })
        else { return nil }
        return PushRequest(nodeID: nodeID, ops: ops)
    }

    /// The object `bytes` hold, when they are valid UTF-8 and JSON and its keys are all different.
    static func plainObject(_ bytes: [UInt8]) -> JSONNode? {
        guard String(validating: bytes, as: UTF8.self) != nil, let root = try? JSONScanner.parse(bytes),
            hasUniqueKeys(root)
        else { return nil }
        return root
    }

    /// Every item read by `read`, or nil when one cannot be.
    static func every<T>(_ items: [JSONNode], _ read: (JSONNode) -> T?) -> [T]? {
        var all: [T] = []
        all.reserveCapacity(items.count)
        for item in items {
            guard let value = read(item) else { return nil }
            all.append(value)
        }
        return all
    }

    static func op(_ node: JSONNode) -> Op? {
        guard hasUniqueKeys(node), let opID = uuid(node["op_id"]), let kind = node["kind"]?.string.flatMap(OpKind.init),
            let raceID = uuid(node["race_id"]), let userID = uuid(node["user_id"]), let stamp = node["hlc"],
            let hlc = hlc(stamp)
        else { return nil }
        return Op(opID: opID, kind: kind, raceID: raceID, userID: userID, hlc: hlc)
    }

    static func hlc(_ stamp: JSONNode) -> HLC? {
        guard hasUniqueKeys(stamp), let wall = stamp["wall_ms"]?.int64, (0...HLC.maxWallMs).contains(wall),
            let counter = stamp["counter"]?.int64, (0...Int64(UInt16.max)).contains(counter),
            let name = stamp["node"]?.string, HLC.isValidNode(name)
        else { return nil }
        return HLC(wallMs: wall, counter: UInt16(counter), node: name)
    }

    /// One op's result in a push's answer; `code`, `detail` and `winner` may be null or absent.
    static func result(_ node: JSONNode) -> OpResult? {
        guard hasUniqueKeys(node), let opID = uuid(node["op_id"]),
            let status = node["status"]?.string.flatMap(OpStatus.init)
        else { return nil }
        var result = OpResult(opID: opID, status: status)
        if let code = node["code"], !code.isNull {
            guard let value = code.int64, let small = Int(exactly: value) else { return nil }
            result.code = small
        }
        if let detail = node["detail"], !detail.isNull {
            guard let text = detail.string else { return nil }
            result.detail = text
        }
        if let winner = node["winner"], !winner.isNull {
            guard hasUniqueKeys(winner), let stamp = winner["hlc"], let hlc = hlc(stamp),
                let kind = winner["kind"]?.string.flatMap(OpKind.init), let user = winner["user"].flatMap(user)
            else { return nil }
            result.winner = OpWinner(hlc: hlc, user: user, kind: kind)
        }
        return result
    }

    static func user(_ node: JSONNode) -> User? {
        guard hasUniqueKeys(node) else { return nil }
        return try? PullPageDecoder.user(node)
    }

    private static func uuid(_ node: JSONNode?) -> UUID? { node?.string.flatMap(UUID.init(text:)) }

    /// An object whose keys are all different (which one of a repeated key counts is
    /// `JSONDecoder`'s business).
    static func hasUniqueKeys(_ node: JSONNode) -> Bool {
        guard case .object(let fields) = node else { return false }
        for (index, field) in fields.enumerated() where fields[..<index].contains(where: { $0.key == field.key }) {
            return false
        }
        return true
    }
}

extension PushResponse {
    /// The answer to a push read without `JSONDecoder` when it is plain (as `PushRequestDecoder`
    /// reads a push); nil leaves it to `JSONDecoder`.
    public static func fastDecode(_ bytes: [UInt8]) -> PushResponse? {
        guard let root = PushRequestDecoder.plainObject(bytes), let stamp = root["hlc"],
            let hlc = PushRequestDecoder.hlc(stamp),
            let results = root["results"]?.array.flatMap({ PushRequestDecoder.every($0, PushRequestDecoder.result) })
        else { return nil }
        return PushResponse(results: results, hlc: hlc)
    }
}
