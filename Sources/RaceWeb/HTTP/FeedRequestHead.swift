/// The head of a request for one of the hub's site-wide feeds (`GET` or `HEAD` of
/// `/feeds/live.{atom,rss,json}`, HTTP/1.1), recognized in the raw bytes of a connection so the
/// hub can answer it before any HTTP decoding.
///
/// The parser is deliberately narrow and strict: it recognizes only a head it can answer exactly
/// as the router would, and says `other` for anything else — another path or method, a query
/// string, HTTP/1.0, a body (`Content-Length`, `Transfer-Encoding`), `Expect`, `Upgrade`, a
/// `Connection` other than `keep-alive`, a header repeated that the answer depends on, a bare LF,
/// a folded line, a control character, a name that is not a token, a head over `maxLength` bytes.
/// Whatever it says `other` to goes to the full HTTP stack, which decides. Total on any input.
public struct FeedRequestHead: Equatable, Sendable {
    /// GET, or HEAD (no body in the answer).
    public var isHead: Bool
    /// The feed's format: `atom`, `rss` or `json`.
    public var format: String
    /// The values of the headers the answer depends on (nil when absent).
    public var acceptEncoding: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    /// The head's length in bytes, its closing empty line included.
    public var length: Int

    /// What the start of a connection's bytes holds.
    public enum Parsed: Equatable, Sendable {
        /// A whole feed request head, first in the bytes.
        case feed(FeedRequestHead)
        /// The start of what may become one: more bytes are needed to tell.
        case incomplete
        /// Anything else: the full HTTP stack must read these bytes.
        case other
    }

    /// The longest head recognized here; longer ones go to the full stack.
    public static let maxLength = 8192

    public init(
        isHead: Bool, format: String, acceptEncoding: String? = nil, ifNoneMatch: String? = nil,
        ifModifiedSince: String? = nil, length: Int
    ) {
        self.isHead = isHead
        self.format = format
        self.acceptEncoding = acceptEncoding
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.length = length
    }

    /// Reads the head at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        var reader = HeadReader(bytes: bytes)
        guard let (isHead, format) = reader.requestLine() else { return reader.verdict }
        var head = FeedRequestHead(isHead: isHead, format: format, length: 0)
        while true {
            guard let line = reader.line() else { return reader.verdict }
            if line.isEmpty { break }
            guard let (name, value) = HeadReader.field(line) else { return .other }
            switch name {
            case .acceptEncoding, .ifNoneMatch, .ifModifiedSince:
                guard let text = HeadReader.asciiText(value) else { return .other }
                switch name {
                case .acceptEncoding where head.acceptEncoding == nil: head.acceptEncoding = text
                case .ifNoneMatch where head.ifNoneMatch == nil: head.ifNoneMatch = text
                case .ifModifiedSince where head.ifModifiedSince == nil: head.ifModifiedSince = text
                default: return .other  // repeated: the stack joins repeats its own way
                }
            case .connection:
                guard HeadReader.equalsIgnoringCase(value, "keep-alive") else { return .other }
            case .refused:
                return .other
            case .ignored:
                continue
            }
        }
        head.length = reader.offset
        return .feed(head)
    }

    /// Parses a head held in an array (tests and fuzzing).
    public static func parse(_ bytes: [UInt8]) -> Parsed {
        bytes.withUnsafeBytes { parse($0) }
    }
}

/// A cursor over a head's bytes: lines end in CRLF; running out of bytes is `incomplete` while
/// the head could still fit in `maxLength`, else `other`.
private struct HeadReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    /// What to answer when a step fails: set by the step that failed.
    var verdict = FeedRequestHead.Parsed.other

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The headers the answer depends on, those that send a request to the full stack, and the rest.
    enum Name { case acceptEncoding, ifNoneMatch, ifModifiedSince, connection, refused, ignored }

    /// `GET `, then `HEAD ` (the index says which).
    private static let methods = [Array("GET ".utf8), Array("HEAD ".utf8)]
    private static let formats = ["atom", "rss", "json"]
    private static let targets = formats.map { Array("/feeds/live.\($0) HTTP/1.1\r\n".utf8) }
    private static let refusedNames = ["content-length", "transfer-encoding", "expect", "upgrade"]

    /// `GET ` or `HEAD `, a feed's path, ` HTTP/1.1` CRLF.
    mutating func requestLine() -> (isHead: Bool, format: String)? {
        guard let method = expectOne(of: Self.methods), let target = expectOne(of: Self.targets) else { return nil }
        return (method == 1, Self.formats[target])
    }

    /// Consumes the one of `literals` the bytes start with here, and says which; when none does,
    /// `verdict` is `incomplete` if the bytes ran out while one of them still could.
    private mutating func expectOne(of literals: [[UInt8]]) -> Int? {
        var couldStill = false
        for (index, literal) in literals.enumerated() {
            if expect(literal) { return index }
            couldStill = couldStill || verdict == .incomplete
        }
        verdict = couldStill ? .incomplete : .other
        return nil
    }

    /// Consumes `literal` when the bytes start with it here; a prefix of it that runs out of
    /// bytes is `incomplete`.
    private mutating func expect(_ literal: [UInt8]) -> Bool {
        var index = 0
        while index < literal.count {
            let at = offset + index
            guard at < bytes.count else {
                verdict = at < FeedRequestHead.maxLength ? .incomplete : .other
                return false
            }
            guard bytes[at] == literal[index] else {
                verdict = .other
                return false
            }
            index += 1
        }
        offset += literal.count
        return true
    }

    /// The next line without its CRLF (empty for the head's end), or nil: a lone CR or LF, a
    /// control character, a head too long, or too few bytes (`verdict` says which).
    mutating func line() -> UnsafeRawBufferPointer.SubSequence? {
        let start = offset
        var index = start
        while index < bytes.count, index < FeedRequestHead.maxLength {
            let byte = bytes[index]
            if byte == 13 {  // CR: must end the line with LF
                guard index + 1 < bytes.count else { break }
                guard bytes[index + 1] == 10 else {
                    verdict = .other
                    return nil
                }
                offset = index + 2
                return bytes[start..<index]
            }
            // LF alone, NUL and other controls but HTAB, DEL: the full stack's to judge.
            if byte < 32 && byte != 9 || byte == 127 {
                verdict = .other
                return nil
            }
            index += 1
        }
        verdict = index + 1 < FeedRequestHead.maxLength ? .incomplete : .other
        return nil
    }

    /// `name: value`, the name a token and the value without the spaces and tabs before it
    /// (those after it are kept, as NIO's decoder keeps them for the router).
    static func field(_ line: UnsafeRawBufferPointer.SubSequence) -> (Name, UnsafeRawBufferPointer.SubSequence)? {
        guard let colon = line.firstIndex(of: 58), colon > line.startIndex else { return nil }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(isTokenByte) else { return nil }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
        return (classify(name), value)
    }

    private static func classify(_ name: UnsafeRawBufferPointer.SubSequence) -> Name {
        if equalsIgnoringCase(name, "accept-encoding") { return .acceptEncoding }
        if equalsIgnoringCase(name, "if-none-match") { return .ifNoneMatch }
        if equalsIgnoringCase(name, "if-modified-since") { return .ifModifiedSince }
        if equalsIgnoringCase(name, "connection") { return .connection }
        return refusedNames.contains { equalsIgnoringCase(name, $0) } ? .refused : .ignored
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The value as text when it is printable ASCII (tabs and spaces included).
    static func asciiText(_ value: UnsafeRawBufferPointer.SubSequence) -> String? {
        guard value.allSatisfy({ $0 == 9 || (32...126).contains($0) }) else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer.SubSequence, _ lowercase: String) -> Bool {
        bytes.count == lowercase.utf8.count
            && zip(bytes, lowercase.utf8).allSatisfy { byte, expected in
                (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) == expected
            }
    }
}
