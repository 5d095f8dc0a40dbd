import Foundation
import PostgresNIO
import PostgresTestSupport
import RaceService
import SyncCore
import SyncPostgres
import SyncStore
import Testing

/// The hub's store over TCP, against private clusters that accept TLS only (with a certificate for
/// `localhost` signed by a test CA) or offer no TLS at all: `sslmode` means what it means to libpq,
/// and a connection that cannot be made says why at once.
@Suite struct PostgresTLSTests {
    /// A private TCP cluster with the URLs and files the tests vary.
    struct Cluster {
        let cluster: PrivateCluster
        let url: PostgresURL
        var ca: String { cluster.folder + "/tls/ca.crt" }
        var otherCA: String { cluster.folder + "/tls/other-ca.crt" }

        init?(_ listening: PrivateCluster.Listening = .tls) throws {
            guard TestPostgres.adminURL != nil else { return nil }
            cluster = try PrivateCluster(listening: listening)
            url = try PostgresURL(cluster.url)
        }

        /// The cluster's database at `host`, with `query` as its parameters.
        func variant(host: String = "localhost", _ query: String) throws -> PostgresURL {
            try PostgresURL("postgresql://\(url.user)@\(host):\(url.port)/\(url.database)?\(query)")
        }
    }

    /// Whether a connection made with `url`'s settings is encrypted; throws when none can be made.
    static func encrypted(_ url: PostgresURL) async throws -> Bool {
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(), id: 1, logger: TestPostgres.logger)
        var ssl = false
        do {
            let rows = try await connection.query(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestPostgres.logger)
            for try await value in rows.decode(Bool.self) { ssl = value }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return ssl
    }

    /// Opening a store at `url` fails with a message containing `reason`.
    static func refused(_ url: PostgresURL, saying reason: String, sourceLocation: SourceLocation = #_sourceLocation)
        async
    {
        do {
            let store = try await PostgresHubStore.open(
                url, maxConnections: 2, openTimeout: .seconds(20), logger: TestPostgres.logger)
            store.close()
            Issue.record("\(url) was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(reason), "\(url): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theStoreRunsOverVerifiedTLSAndPlainTCPIsRefused() async throws {
        guard let tls = try Cluster() else { return }
        defer { tls.cluster.stop() }
        #expect(tls.url.tlsMode == .verifyFull && tls.url.host == "localhost")
        let store = try await PostgresHubStore.open(
            tls.url, maxConnections: 4, timeout: TestPostgres.timeout, logger: TestPostgres.logger)
        defer { store.close() }
        let org = try await store.hub.addUser(login: "org", displayName: nil).user
        #expect(try await store.hub.createRace(name: "Over TLS", organizer: org.id).name == "Over TLS")
        #expect(try await Self.encrypted(tls.url))
        // The server takes TLS only: plain TCP is refused, with the server's reason.
        await Self.refused(try tls.variant("sslmode=disable"), saying: "no encryption")
    }

    @Test func eachSSLModeChecksWhatLibpqChecks() async throws {
        guard let tls = try Cluster() else { return }
        defer { tls.cluster.stop() }
        // prefer and require encrypt without asking who signed the certificate.
        #expect(try await Self.encrypted(try tls.variant("sslmode=prefer")))
        #expect(try await Self.encrypted(try tls.variant(host: "127.0.0.1", "sslmode=require")))
        // verify-ca checks the signer and not the name; verify-full checks both.
        #expect(try await Self.encrypted(try tls.variant(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(tls.ca)")))
        let untrusted = "the server's certificate is not signed by an authority in \(tls.otherCA)"
        await Self.refused(try tls.variant("sslmode=verify-ca&sslrootcert=\(tls.otherCA)"), saying: untrusted)
        await Self.refused(
            try tls.variant(host: "127.0.0.1", "sslmode=verify-full&sslrootcert=\(tls.ca)"),
            saying: "the server's certificate is not issued for 127.0.0.1")
        // As in libpq, require with named authorities checks the signer.
        await Self.refused(try tls.variant("sslmode=require&sslrootcert=\(tls.otherCA)"), saying: untrusted)
        // A file of authorities that holds none is named before any connection is tried.
        let notACertificate = tls.cluster.folder + "/tls/server.ext"
        await Self.refused(
            try tls.variant("sslmode=verify-full&sslrootcert=\(notACertificate)"),
            saying: "sslrootcert \(notACertificate) holds no usable certificate")
    }

    @Test func againstAServerWithoutTLSPreferConnectsPlainAndRequireSaysWhy() async throws {
        guard let plain = try Cluster(.tcp) else { return }
        defer { plain.cluster.stop() }
        #expect(plain.url.tlsMode == .prefer)
        let store = try await PostgresHubStore.open(
            plain.url, maxConnections: 2, timeout: TestPostgres.timeout, logger: TestPostgres.logger)
        defer { store.close() }
        #expect(try await store.hub.addUser(login: "org", displayName: nil).user.twitchUsername == "org")
        #expect(try await Self.encrypted(plain.url) == false)
        await Self.refused(
            try plain.variant("sslmode=require"),
            saying: "the server does not offer TLS, which sslmode=require requires")
    }
}
