import Foundation
import Hummingbird
import RaceService

/// The hub's session cookie: `HttpOnly`, `SameSite=Lax`, for the whole site, 30 days; `Secure`
/// and named with the `__Host-` prefix (no Domain, Path=/, only over https) when the hub's
/// public URL is https.
struct SessionCookie: Sendable {
    let secure: Bool

    init(publicURL: String?) { secure = publicURL?.lowercased().hasPrefix("https://") ?? false }

    var name: String { secure ? "__Host-racesync_session" : "racesync_session" }

    /// The session id the request carries, if any (its shape checked by `Hub.signedIn`).
    func session(in request: Request) -> String? { request.cookies[name]?.value }

    func set(_ session: String, on response: inout Response) {
        response.setCookie(
            Cookie(
                name: name, value: session, maxAge: Int(WebSession.lifetimeMs / 1000), path: "/", secure: secure,
                httpOnly: true, sameSite: .lax))
    }

    func clear(on response: inout Response) {
        response.setCookie(
            Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax))
    }
}
