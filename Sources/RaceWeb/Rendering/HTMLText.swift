import Mustache

/// HTML escaping that works per UTF-8 byte, never per `Character`.
///
/// Swift's `Character` is a grapheme cluster: `"\u{0600}<"` (a Prepend mark before `<`) and
/// `">\u{0301}"` (a combining mark after `>`) are single Characters equal to neither `"<"` nor
/// `">"`, so an escaper that looks Characters up in a table lets them through raw. The five
/// characters that matter are ASCII, so looking at bytes finds every one of them, whatever
/// surrounds it.
public enum HTMLText {
    /// `text` escaped for HTML text and quoted attribute values: `& < > " '` become references;
    /// NUL (which HTML parsers drop or replace) becomes U+FFFD.
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            case 0: out += [0xEF, 0xBF, 0xBD]
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The content type every template declares (`{{% CONTENT_TYPE: RACESYNC_HTML }}` on its first
/// line): `{{name}}` escapes with `HTMLText.escape`. `PageRenderer` refuses a template without
/// it, or with an unescaped tag (`{{{…}}}`, `{{&…}}`), so the library's own escaping, which
/// works per `Character`, can never be used by accident.
struct CodePointHTML: MustacheContentType {
    static let name = "RACESYNC_HTML"
    static let pragma = "{{% CONTENT_TYPE: \(name) }}"

    func escapeText(_ text: String) -> String { HTMLText.escape(text) }
}
