import Foundation
import SyncCore
import SyncNode
import SyncStore

/// Output helpers.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        print(String(decoding: try WireJSON.encode(value, pretty: true), as: UTF8.self))
    }

    /// A JSON array written to stdout as its elements come, in chunks of about 64 KiB: a
    /// listing is never held whole as text.
    static func streamJSONArray<Element: FastJSONWritable>(
        _ produce: ((Element) throws -> Void) throws -> Void
    ) throws {
        var chunk = "["
        chunk.reserveCapacity(1 << 16)
        var first = true
        try produce { element in
            if !first { chunk += "," }
            first = false
            element.writeJSON(to: &chunk)
            if chunk.utf8.count >= 1 << 16 {
                print(chunk, terminator: "")
                chunk.removeAll(keepingCapacity: true)
            }
        }
        print(chunk + "]")
    }

    static func note(_ text: String) {
        printError(text)
    }

    /// Left-aligned columns.
    static func table(_ header: [String], _ rawRows: [[String]]) {
        let rows = rawRows.map { $0.map { DisplayText.terminalSafe($0) } }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(
                row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }.joined(separator: "  "))
        }
    }

    /// "12s ago", "5m ago", "3h ago", "2d ago".
    static func age(_ date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86400: return "\(seconds / 3600)h ago"
        default: return "\(seconds / 86400)d ago"
        }
    }

    /// Race names by id, for lines that mention races of the replica.
    static func name(_ user: User) -> String {
        if let display = user.twitchDisplayName, display.lowercased() != user.twitchUsername {
            return "\(user.twitchUsername) (\(display))"
        }
        return user.twitchUsername
    }
}
