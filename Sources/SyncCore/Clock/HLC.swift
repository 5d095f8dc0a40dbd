/// A hybrid logical clock time stamp (Kulkarni et al., 2014).
///
/// Totally ordered by `(wallMs, counter, node)`; the node name breaks ties between nodes.
public struct HLC: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// Physical part: milliseconds since the Unix epoch.
    public var wallMs: Int64
    /// Logical part: orders events within one millisecond (0...65535).
    public var counter: UInt16
    /// The node that made the stamp.
    public var node: String

    public init(wallMs: Int64, counter: UInt16, node: String) {
        self.wallMs = wallMs
        self.counter = counter
        self.node = node
    }

    /// The smallest stamp: below every real one.
    public static let zero = HLC(wallMs: 0, counter: 0, node: "")

    /// The largest `wall_ms` accepted on the wire: 9999-12-31T23:59:59.999Z.
    public static let maxWallMs: Int64 = 253_402_300_799_999

    /// Whether `node` is a node name the wire accepts: 1–64 bytes.
    public static func isValidNode(_ node: String) -> Bool { !node.isEmpty && node.utf8.count <= 64 }

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        if lhs.wallMs != rhs.wallMs { return lhs.wallMs < rhs.wallMs }
        if lhs.counter != rhs.counter { return lhs.counter < rhs.counter }
        return lhs.node < rhs.node
    }

    enum CodingKeys: String, CodingKey {
        case wallMs = "wall_ms"
        case counter
        case node
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let wall = try c.decodeInteger(Int64.self, forKey: .wallMs, in: 0...Self.maxWallMs)
        let counter = try c.decodeInteger(Int.self, forKey: .counter, in: 0...Int(UInt16.max))
        let node = try c.decode(String.self, forKey: .node)
        guard Self.isValidNode(node) else {
            throw DecodingError.dataCorruptedError(forKey: .node, in: c, debugDescription: "node must be 1-64 bytes")
        }
        self.init(wallMs: wall, counter: UInt16(counter), node: node)
    }

    public var description: String { "\(wallMs).\(counter)@\(node)" }
}
