import Foundation

/// The fields of an `application/x-www-form-urlencoded` body. Total: a malformed escape or a
/// repeated field is not an error, the first value of a field wins.
struct FormBody {
    private(set) var fields: [String: String] = [:]

    /// Forms of the node's pages are tiny; a larger body is refused before it is parsed.
    static let maxBytes = 8 * 1024

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            guard fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
