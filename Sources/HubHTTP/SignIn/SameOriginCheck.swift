import Foundation
import HTTPTypes
import Hummingbird
import RaceWeb

/// Refuses form posts from other sites (`403`) by the rule the node's pages use too
/// (`SameOrigin`), the hub's origins being its public URL's and the `Host` the browser used. The session's form token is checked as well
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
        if let problem = SameOrigin.problem(
            origin: request.headers[.origin], fetchSite: request.headers[.secFetchSite],
            referer: request.headers[.referer], own: own)
        {
            throw Self.refusal(problem)
        }
    }

    static func refusal(_ what: String) -> WebPageError {
        WebPageError(.forbidden, "Request refused", "This form was not sent from this site's pages (\(what)).")
    }
}
