import Foundation
import HTTPTypes
import Hummingbird
import RaceWeb

/// Refuses form posts from other sites (`403`): `Origin` must be the hub's own (its public URL's,
/// or the `Host` the browser used), else `Sec-Fetch-Site: same-origin`, else a `Referer` on the
/// hub; a post with none of them is refused. The session's form token is checked as well
/// (`WebSession.formTokenMatches`): either alone would do against today's browsers, both stay.
struct SameOriginCheck: Sendable {
    /// The origin of `--public-url` (`https://hub.example`), if the hub has one.
    let publicOrigin: String?

    init(publicURL: String?) {
        publicOrigin = publicURL.flatMap { URL(string: $0) }.flatMap { url in
            guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
            return scheme + "://" + host + (url.port.map { ":\($0)" } ?? "")
        }
    }

    /// Throws a 403 page unless `request` comes from the hub's own pages.
    func check(_ request: Request) throws {
        var own = Set<String>()
        if let publicOrigin { own.insert(publicOrigin) }
        if let host = request.head.authority?.lowercased() {
            own.insert("http://" + host)
            own.insert("https://" + host)
        }
        if let origin = request.headers[.origin]?.lowercased() {
            guard own.contains(origin) else { throw Self.refusal("Origin \(origin.prefix(100))") }
        } else if let site = request.headers[.secFetchSite] {
            guard site == "same-origin" else { throw Self.refusal("Sec-Fetch-Site \(site.prefix(40))") }
        } else if let referer = request.headers[.referer]?.lowercased() {
            guard own.contains(where: { referer == $0 || referer.hasPrefix($0 + "/") }) else {
                throw Self.refusal("Referer")
            }
        } else {
            throw Self.refusal("no Origin, Sec-Fetch-Site or Referer")
        }
    }

    static func refusal(_ what: String) -> WebPageError {
        WebPageError(.forbidden, "Request refused", "This form was not sent from this site's pages (\(what)).")
    }
}
