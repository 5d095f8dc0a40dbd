import SyncPostgres
import Testing

/// Database URLs: what names PostgreSQL, what is refused and why, and that a password never
/// shows where the URL is logged.
@Suite struct PostgresURLTests {
    @Test func tcpAndSocketURLsAreRead() throws {
        let tcp = try PostgresURL("postgresql://racesync:s3cret@db.internal:6543/races")
        #expect(
            tcp.user == "racesync" && tcp.password == "s3cret" && tcp.host == "db.internal" && tcp.port == 6543
                && tcp.database == "races")
        #expect(tcp.socketFolder == nil)
        let socket = try PostgresURL("postgres://postgres@/postgres?host=/tmp/racesync-pg")
        #expect(socket.socketFolder == "/tmp/racesync-pg" && socket.host == nil && socket.port == 5432)
        #expect(try PostgresURL("postgresql://a%40b@h/d%20b").user == "a@b")
    }

    /// User, password and database are percent-decoded once, not twice.
    @Test func percentEncodingIsDecodedOnce() throws {
        let url = try PostgresURL("postgresql://u%2541:p%2541%40%3A@h/db%2541")
        #expect(url.user == "u%41" && url.password == "p%41@:" && url.database == "db%41")
    }

    /// TLS that checks nobody, to a server elsewhere, is said at start; locally it is not.
    @Test func weakTLSToARemoteServerIsWarnedAbout() throws {
        #expect(try PostgresURL("postgresql://u@db.internal/races").warnings.count == 1)
        #expect(
            try PostgresURL("postgresql://u@db.internal/races?sslmode=require").warnings.first?.contains("verify-full")
                == true)
        #expect(
            try PostgresURL("postgresql://u@db.internal/races?sslmode=verify-full&sslrootcert=/dev/null").warnings
                .isEmpty)
        #expect(try PostgresURL("postgresql://u@127.0.0.1/races").warnings.isEmpty)
        #expect(try PostgresURL("postgresql://u@localhost/races?sslmode=require").warnings.isEmpty)
        #expect(try PostgresURL("postgresql://u@127.evil.example/races").warnings.count == 1)
        #expect(try PostgresURL("postgresql://u@/races?host=/run/postgresql").warnings.isEmpty)
        #expect(try PostgresURL("postgresql://u@db.internal/races?sslmode=disable").warnings.isEmpty)
    }

    @Test func thePasswordNeverShowsInTheDescription() throws {
        let url = try PostgresURL("postgresql://racesync:s3cret@db.internal/races")
        #expect(!url.description.contains("s3cret"))
        #expect(url.description == "postgresql://racesync:***@db.internal:5432/races?sslmode=prefer")
    }

    @Test(arguments: [
        "/var/lib/racesync/hub.sqlite", "postgresql://", "postgresql://db.internal/races",
        "postgresql://u@db.internal/",
        "postgresql://u@db.internal:70000/races", "postgresql://u@/races", "postgresql://u@db.internal/a/b",
        "postgresql://u@db.internal/races?sslmode=always",
        "postgresql://u@db.internal/races?sslmode=verify-full&sslrootcert=relative.pem",
        "postgresql://u@db.internal/races?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
        "postgresql://u@/races?host=/run/postgresql&sslmode=require", "postgresql://u@db.internal/races?sslcert=/x.pem",
        "postgresql://u@db.internal/races?sslmdoe=verify-full",
        "postgresql://u@db.internal/races?channel_binding=require",
        "postgresql://u@db.internal/races?requiressl=1",
    ])
    func badURLsAreRefusedWithAReason(_ text: String) {
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL(text) }
    }

    @Test func tlsModesAreLibpqs() throws {
        #expect(try PostgresURL("postgresql://u@db.internal/races").tlsMode == .prefer)
        #expect(try PostgresURL("postgresql://u@/races?host=/run/postgresql").tlsMode == .prefer)
        for mode in PostgresURL.TLSMode.allCases {
            let url = try PostgresURL("postgresql://u@db.internal/races?sslmode=\(mode.rawValue)")
            #expect(url.tlsMode == mode && url.description.hasSuffix("?sslmode=\(mode.rawValue)"))
        }
        let verified = try PostgresURL("postgresql://u@db.internal/races?sslmode=verify-full&sslrootcert=/dev/null")
        #expect(verified.rootCertificateFile == "/dev/null")
        // Other libpq parameters are let through to be warned about; unknown TLS ones are refused.
        let named = try PostgresURL(
            "postgresql://u@db.internal/races?application_name=hub&sslmode=disable&connect_timeout=5")
        #expect(named.ignoredParameters == ["application_name", "connect_timeout"] && named.tlsMode == .disable)
        #expect(try PostgresURL("postgresql://u@db.internal/races").ignoredParameters.isEmpty)
    }

    @Test func onlyPostgresSchemesSelectTheBackend() {
        #expect(PostgresURL.isPostgres("postgresql://u@h/d") && PostgresURL.isPostgres("postgres://u@h/d"))
        #expect(!PostgresURL.isPostgres("hub.sqlite") && !PostgresURL.isPostgres("./postgresql://x"))
    }

    /// libpq's multi-host form: each host with its own port (5432 when absent), IPv6 in brackets,
    /// and every `target_session_attrs` value; the hub refuses those that cannot write at open.
    @Test func multiHostURLsAreRead() throws {
        let url = try PostgresURL(
            "postgresql://racesync:pw@db1.internal:5433,[2001:db8::7]:6543,db3,[::1]/races?target_session_attrs=read-write"
        )
        #expect(
            url.servers == [
                PostgresServer(host: "db1.internal", port: 5433), PostgresServer(host: "2001:db8::7", port: 6543),
                PostgresServer(host: "db3", port: 5432), PostgresServer(host: "::1", port: 5432),
            ])
        #expect(url.host == "db1.internal" && url.port == 5433 && url.user == "racesync" && url.database == "races")
        #expect(url.targetSession == .readWrite)
        #expect(
            url.description
                == "postgresql://racesync:***@db1.internal:5433,[2001:db8::7]:6543,db3:5432,[::1]:5432/races?sslmode=prefer&target_session_attrs=read-write"
        )
        for (text, target, writes) in [
            ("any", TargetSession.any, true), ("read-write", .readWrite, true), ("primary", .primary, true),
            ("read-only", .readOnly, false), ("standby", .standby, false), ("prefer-standby", .preferStandby, false),
        ] {
            let parsed = try PostgresURL("postgresql://u@a,b/db?target_session_attrs=\(text)")
            #expect(parsed.targetSession == target && target.canWrite == writes, "\(text)")
        }
        #expect(try PostgresURL("postgresql://u@a/db").targetSession == .any)
        #expect(try PostgresURL("postgresql://u@[::1]:5439/db").servers == [PostgresServer(host: "::1", port: 5439)])
    }

    @Test func whichServerStatesEachTargetAccepts() {
        // (in recovery, read-only): a primary, a read-only primary, a standby.
        let states = [(false, false), (false, true), (true, true)]
        let accepted: [TargetSession: [Bool]] = [
            .any: [true, true, true], .readWrite: [true, false, false], .readOnly: [false, true, true],
            .primary: [true, true, false], .standby: [false, false, true], .preferStandby: [true, true, true],
        ]
        for (target, expected) in accepted {
            #expect(states.map { target.accepts(inRecovery: $0.0, readOnly: $0.1) } == expected, "\(target)")
        }
    }

    @Test func malformedHostListsAreRefused() {
        for bad in [
            "postgresql://u@a,,b/db", "postgresql://u@a:0/db", "postgresql://u@a:65536,b/db", "postgresql://u@[::1/db",
            "postgresql://u@[::1]x/db", "postgresql://u@a:5432x/db",
            "postgresql://u@a,b/db?target_session_attrs=writable",
            "postgresql://u@a,b/db?host=/run/postgresql",
        ] {
            #expect(throws: PostgresURL.Invalid.self, "\(bad)") { try PostgresURL(bad) }
        }
    }
}
