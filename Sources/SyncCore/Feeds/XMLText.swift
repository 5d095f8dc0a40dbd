/// XML escaping for feed text. Characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF,
/// lone surrogates cannot occur in Swift strings) are dropped.
enum XMLText {
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Text content and double-quoted attribute values: `&`, `<`, `>` and `"` escaped with
    /// the entities HTML and XML share (no `&apos;`, which HTML 4 readers do not know).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // A raw CR would be normalized to LF by every XML parser: keep it as written.
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Plain text as the content of an element that holds HTML (RSS `description`, Atom
    /// `type="html"`): escaped for HTML, then that HTML escaped for XML. A title `<b>x</b>` thus
    /// reads as that literal text in every reader, never as markup.
    static func html(_ text: String) -> String {
        escape(escape(text))
    }

    /// Plain text for RSS titles, per the RSS Advisory Board: `<` and `&` (and `>`) as
    /// hexadecimal character references, so no reader mistakes them for markup.
    static func rssPlain(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&#x26;"
            case "<": out += "&#x3C;"
            case ">": out += "&#x3E;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
