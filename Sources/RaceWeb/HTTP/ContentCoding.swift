/// `Accept-Encoding` (RFC 9110 §12.5.3), as far as the hub needs it: does the client take gzip?
/// Total on any header text.
public enum ContentCoding {
    /// True when `gzip` (or `x-gzip`, or `*`) is listed with a non-zero weight.
    public static func acceptsGzip(_ header: String?) -> Bool {
        guard let header, header.utf8.count <= 4096 else { return false }
        var star = false
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let first = parts.first else { continue }
            let coding = first.trimmingCharacters(in: .whitespaces).lowercased()
            let accepted = !parts.dropFirst().contains { parameter in
                let text = parameter.trimmingCharacters(in: .whitespaces).lowercased()
                guard text.hasPrefix("q=") else { return false }
                return (Double(text.dropFirst(2)) ?? 1) <= 0
            }
            if coding == "gzip" || coding == "x-gzip" { return accepted }
            if coding == "*" { star = accepted }
        }
        return star
    }
}
