/// A small, total JSON parser (RFC 8259) into a tree, for the hot decoding paths that skip
/// `JSONDecoder` (a pull page). Any input either parses or throws `JSONScanner.Invalid`: no
/// recursion past `maxDepth`, no integer traps, no reads past the end.
public enum JSONNode: Equatable, Sendable {
    /// Fields in document order; a repeated key's last value wins on lookup (as JSONDecoder).
    case object([(key: String, value: JSONNode)])
    case array([JSONNode])
    case string(String)
    /// A number's text, converted on use (`int`, `double`).
    case number(String)
    case bool(Bool)
    case null

    public subscript(_ key: String) -> JSONNode? {
        // Objects on the wire are small: a scan beats hashing.
        if case .object(let fields) = self { return fields.last { $0.key == key }?.value }
        return nil
    }

    public static func == (a: JSONNode, b: JSONNode) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    public var string: String? { if case .string(let text) = self { return text } else { return nil } }
    public var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    public var array: [JSONNode]? { if case .array(let items) = self { return items } else { return nil } }
    public var isNull: Bool { self == .null }
    /// The number as an integer, when it is written as one and fits.
    public var int64: Int64? { if case .number(let text) = self { return Int64(text) } else { return nil } }
}

public struct JSONScanner {
    public struct Invalid: Error, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    public static let maxDepth = 64
    private let bytes: [UInt8]
    private var index = 0

    /// Parses one JSON value filling the whole input (whitespace around it allowed).
    public static func parse(_ bytes: [UInt8]) throws -> JSONNode {
        var scanner = JSONScanner(bytes: bytes)
        let value = try scanner.value(depth: 0)
        scanner.skipSpace()
        guard scanner.index == bytes.count else { throw scanner.invalid("text after the value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func invalid(_ reason: String) -> Invalid { Invalid(offset: index, reason: reason) }

    private mutating func skipSpace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        { index += 1 }
    }

    private mutating func value(depth: Int) throws -> JSONNode {
        guard depth < Self.maxDepth else { throw invalid("nested too deeply") }
        skipSpace()
        guard index < bytes.count else { throw invalid("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw invalid("unexpected end") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw invalid("unknown literal")
        }
        index += count
    }

    private mutating func object(depth: Int) throws -> JSONNode {
        index += 1
        var fields: [(key: String, value: JSONNode)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw invalid("expected a key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw invalid("expected ':'") }
            index += 1
            fields.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard index < bytes.count else { throw invalid("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw invalid("expected ',' or '}'") }
            index += 1
            return .object(fields)
        }
    }

    private mutating func array(depth: Int) throws -> JSONNode {
        index += 1
        var items: [JSONNode] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw invalid("unexpected end") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw invalid("expected ',' or ']'") }
            index += 1
            return .array(items)
        }
    }

    private mutating func number() throws -> String {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - from
        }
        let integer = digits()
        guard integer > 0 else { throw invalid("expected a value") }
        if integer > 1, bytes[index - integer] == 0x30 { throw invalid("leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw invalid("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw invalid("expected an exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func string() throws -> String {
        index += 1
        var out: [UInt8] = []
        var plainStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[plainStart..<index])
                index += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw invalid("not UTF-8") }
                return text
            }
            if byte < 0x20 { throw invalid("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[plainStart..<index])
                index += 1
                guard index < bytes.count else { throw invalid("unexpected end") }
                switch bytes[index] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                            bytes[index + 2] == UInt8(ascii: "u")
                        else {
                            throw invalid("lone surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw invalid("lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw invalid("lone surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw invalid("bad escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw invalid("bad escape")
                }
                index += 1
                plainStart = index
                continue
            }
            index += 1
        }
        throw invalid("unterminated string")
    }

    /// Four hex digits after `\u` (leaves `index` on the last one).
    private mutating func hex4() throws -> UInt32 {
        guard index + 4 < bytes.count else { throw invalid("unexpected end") }
        var value: UInt32 = 0
        for offset in 1...4 {
            let byte = bytes[index + offset]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw invalid("bad \\u escape")
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }
}
