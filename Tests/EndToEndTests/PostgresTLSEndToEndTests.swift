import Foundation
import PostgresTestSupport
import Testing

/// `syncd` on a PostgreSQL server reached over TCP with TLS: the URL's `sslmode` and
/// `sslrootcert` are honoured, and a server the operator did not mean to trust is named with the
/// reason before anything is written.
@Suite struct PostgresTLSEndToEndTests {
    @Test func aHubRunsOverVerifiedTLSAndAnUntrustedServerIsRefusedWithTheReason() async throws {
        guard PostgresE2E.available() else { return }
        let cluster = try PrivateCluster(listening: .tls)
        defer { cluster.stop() }
        #expect(cluster.url.contains("sslmode=verify-full"))
        let box = Sandbox()
        let org = try box.run("syncd", ["user", "add", "org", "--db", cluster.url])
        #expect(org.status == 0, "\(org.stderr)")
        let hub = try HubProcess(in: box, db: cluster.url)
        let created = try await HTTP.send(
            "POST", hub.url + "/api/races", token: org.lastLine, json: ["name": "Over TLS"])
        #expect(created.status == 201, "\(hub.daemon.log)")
        #expect(hub.daemon.log.contains("sslmode=verify-full"))
        #expect(hub.daemon.stop() == 0)
        // The same server checked against authorities that did not sign its certificate.
        let otherCA = cluster.folder + "/tls/other-ca.crt"
        let untrusted = cluster.url.replacingOccurrences(of: cluster.folder + "/tls/ca.crt", with: otherCA)
        let refused = try box.run("syncd", ["user", "add", "mallory", "--db", untrusted], timeout: 30)
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(
            refused.stderr.contains("the server's certificate is not signed by an authority in \(otherCA)"),
            "\(refused.stderr)")
        let listed = try box.run("syncd", ["user", "list", "--db", cluster.url])
        #expect(listed.stdout.contains("org") && !listed.stdout.contains("mallory"))
    }
}
