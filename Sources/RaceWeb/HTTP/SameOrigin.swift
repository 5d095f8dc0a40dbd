/// Whether a form post comes from a site's own pages, the rule both servers apply: `Origin` must
/// be one of the site's origins; without it, `Sec-Fetch-Site` must say `same-origin`; without
/// either, the `Referer` must be on the site; a post with none of the three is refused.
public enum SameOrigin {
    /// Why the post is refused ("Origin https://evil.example"), or nil when it is the site's own.
    /// `own` holds the site's origins, lowercase (`http://127.0.0.1:8090`).
    public static func problem(origin: String?, fetchSite: String?, referer: String?, own: Set<String>) -> String? {
        if let origin {
            return own.contains(origin.lowercased()) ? nil : "Origin \(origin.prefix(100))"
        }
        if let fetchSite {
            return fetchSite == "same-origin" ? nil : "Sec-Fetch-Site \(fetchSite.prefix(40))"
        }
        if let referer {
            let lowered = referer.lowercased()
            return own.contains { lowered == $0 || lowered.hasPrefix($0 + "/") } ? nil : "Referer"
        }
        return "no Origin, Sec-Fetch-Site or Referer"
    }
}
