import Foundation
import Testing

@testable import NodeWeb

/// The node's defences for its forms: Host, same origin, per-session token.
@Suite struct FormGuardTests {
    let guardian = FormGuard(key: Array(repeating: 7, count: 32))
    let session = FormGuard.newSession()

    func check(
        host: String? = "127.0.0.1:8090", origin: String? = "http://127.0.0.1:8090", fetchSite: String? = nil,
        referer: String? = nil, session: String?? = nil, token: String?? = nil
    ) -> String? {
        let session = session ?? self.session
        let token = token ?? session.map { guardian.token(for: $0) }
        return guardian.checkPost(
            host: host, port: 8090, origin: origin, fetchSite: fetchSite, referer: referer, session: session,
            token: token)?.reason
    }

    @Test func aSameOriginPostWithItsSessionsTokenPasses() {
        #expect(FormGuard.isSession(session))
        #expect(check() == nil)
        #expect(check(host: "localhost:8090", origin: "http://localhost:8090") == nil)
        #expect(check(origin: nil, fetchSite: "same-origin") == nil)
        #expect(check(origin: nil, referer: "http://127.0.0.1:8090/races/x") == nil)
    }

    @Test func otherOriginsAndHostsAreRefused() {
        #expect(check(origin: "http://evil.example")?.contains("cross-site") == true)
        #expect(check(origin: "null")?.contains("cross-site") == true)
        #expect(check(origin: "http://127.0.0.1:9999")?.contains("cross-site") == true)
        #expect(check(origin: nil, fetchSite: "cross-site")?.contains("cross-site") == true)
        #expect(check(origin: nil, referer: "http://127.0.0.1:8090.evil.example/")?.contains("cross-site") == true)
        #expect(check(origin: nil)?.contains("no Origin") == true)
        #expect(check(host: "evil.example:8090", origin: "http://evil.example:8090")?.contains("Host") == true)
        #expect(check(host: "127.0.0.1:9999", origin: "http://127.0.0.1:9999")?.contains("Host") == true)
        #expect(check(host: nil)?.contains("Host") == true)
    }

    @Test func aTokenOnlyFitsItsSessionAndThisProcess() {
        #expect(check(token: .some("guessed"))?.contains("token") == true)
        #expect(check(token: .some(nil))?.contains("token") == true)
        #expect(check(session: .some(nil))?.contains("session") == true)
        let other = FormGuard.newSession()
        #expect(other != session)
        #expect(check(token: .some(guardian.token(for: other)))?.contains("token") == true)
        let restarted = FormGuard(key: Array(repeating: 8, count: 32))
        #expect(check(token: .some(restarted.token(for: session)))?.contains("token") == true)
    }

    @Test func hostsAreLoopbackNamesWithThePort() {
        #expect(FormGuard.hostAllowed("[::1]:8090", port: 8090))
        #expect(!FormGuard.hostAllowed("127.0.0.1", port: 8090))
        #expect(!FormGuard.hostAllowed("127.0.0.1:80900", port: 8090))
        #expect(!FormGuard.hostAllowed("", port: 8090))
    }

    @Test func postedFormsDecodeAndNeverThrow() {
        let form = PostedForm(body: "csrf=a%2Bb+c&back=%2Fraces%2Fx&other=1")
        #expect(form.csrf == "a+b c")
        #expect(form.back == "/races/x")
        #expect(PostedForm(body: "").csrf == nil)
        // Whatever does not decode is a form without fields: no token, so the guard refuses it.
        for hostile in ["csrf=%zz", "csrf[=1", "&&&", String(repeating: "a=", count: 2000)] {
            #expect(PostedForm(body: hostile).back == nil, "\(hostile.prefix(20))")
        }
    }

    @Test func afterAFormOnlyPagesOfThisNodeAreReturnedTo() {
        let race = UUID().uuidString.lowercased()
        #expect(NodeWebRoutes.safeReturnPath("/races/\(race)") == "/races/\(race)")
        #expect(NodeWebRoutes.safeReturnPath("//evil.example/races/\(race)") == "/")
        #expect(NodeWebRoutes.safeReturnPath("https://evil.example") == "/")
        #expect(NodeWebRoutes.safeReturnPath("/races/\(race)/../../x") == "/")
        #expect(NodeWebRoutes.safeReturnPath(nil) == "/")
    }
}

/// The node's login secret: only the exact secret opens a session, and only opened sessions count.
@Suite struct NodeWebAccessTests {
    @Test func onlyTheSecretOpensASession() throws {
        let access = NodeWebAccess(secret: "s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-x")
        #expect(access.open(with: nil) == nil)
        #expect(access.open(with: "s3cret") == nil)
        #expect(access.open(with: access.secret + "x") == nil)
        let session = try #require(access.open(with: access.secret))
        #expect(access.isOpen(session))
        #expect(!access.isOpen(FormGuard.newSession()), "a well-formed cookie nobody opened is refused")
        #expect(!access.isOpen(nil) && !access.isOpen(""))
        // Old sessions are forgotten past the cap, so a flood of logins cannot grow memory.
        for _ in 0..<NodeWebAccess.maxSessions { _ = access.open(with: access.secret) }
        #expect(!access.isOpen(session))
    }
}
