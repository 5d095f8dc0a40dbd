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
        guard String(validating: bytes, as: UTF8.self) != nil, let root = try? JSONScanner.parse(bytes),
            hasUniqueKeys(root), let nodeID = root["node_id"]?.string, let items = root["ops"]?.array
        else { return nil }
        var ops: [Op] = []
        ops.reserveCapacity(items.count)
        for item in items {
            guard let op = op(item) else { return nil }
            ops.append(op)
        }
        return PushRequest(nodeID: nodeID, ops: ops)
    }

    static func op(_ node: JSONNode) -> Op? {
        guard hasUniqueKeys(node), let opID = uuid(node["op_id"]), let kindText = node["kind"]?.string,
            let kind = OpKind(rawValue: kindText), let raceID = uuid(node["race_id"]),
            let userID = uuid(node["user_id"]),
            let stamp = node["hlc"], hasUniqueKeys(stamp), let wall = stamp["wall_ms"]?.int64,
            (0...HLC.maxWallMs).contains(wall), let counter = stamp["counter"]?.int64,
            (0...Int64(UInt16.max)).contains(counter), let name = stamp["node"]?.string, HLC.isValidNode(name)
        else { return nil }
        return Op(
            opID: opID, kind: kind, raceID: raceID, userID: userID,
            hlc: HLC(wallMs: wall, counter: UInt16(counter), node: name))
    }

    private static func uuid(_ node: JSONNode?) -> UUID? { node?.string.flatMap(UUID.init(uuidString:)) }

    /// An object whose keys are all different (which one of a repeated key counts is
    /// `JSONDecoder`'s business).
    private static func hasUniqueKeys(_ node: JSONNode) -> Bool {
        guard case .object(let fields) = node else { return false }
        for (index, field) in fields.enumerated() where fields[..<index].contains(where: { $0.key == field.key }) {
            return false
        }
        return true
    }
}
