import Foundation
import Testing

/// `syncd user` and `syncd hub` as real processes.
@Suite struct SyncdCommandTests {
    @Test func userAddPrintsTheTokenAloneOnTheLastLine() throws {
        let box = Sandbox()
        let added = try box.run("syncd", ["user", "add", "Alice", "--display-name", "Alice A."])
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.lastLine
        #expect(token.count >= 32 && !token.hasPrefix("-"))
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        #expect(added.stdout == token + "\n")
        #expect(added.stderr.contains("alice"))
        // The default store is under the XDG data dir.
        #expect(FileManager.default.fileExists(atPath: box.file("xdg/racesync/hub.sqlite")))
        // Only a hash is stored.
        let db = try Data(contentsOf: URL(fileURLWithPath: box.file("xdg/racesync/hub.sqlite")))
        #expect(db.range(of: Data(token.utf8)) == nil)
    }

    @Test func userAddRefusesInvalidAndDuplicateLogins() throws {
        let box = Sandbox()
        let db = box.file("hub.sqlite")
        #expect(try box.run("syncd", ["user", "add", "bob", "--db", db]).status == 0)
        let duplicate = try box.run("syncd", ["user", "add", "BOB", "--db", db])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("already exists") && duplicate.stdout.isEmpty)
        for bad in ["not-valid", String(repeating: "a", count: 26), "has space"] {
            let invalid = try box.run("syncd", ["user", "add", bad, "--db", db])
            #expect(invalid.status == 1, "\(bad)")
            #expect(invalid.stderr.contains("invalid login"))
        }
        let list = try box.run("syncd", ["user", "list", "--db", db, "--json"])
        let users = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(users?.map { $0["twitch_username"] as? String } == ["bob"])
        // The User shape (never a token); the Twitch fields are null until Twitch told the hub.
        #expect(
            users?.first?.keys.sorted() == [
                "avatar_url", "id", "twitch_display_name", "twitch_user_id", "twitch_username",
            ])
        #expect(users?.first?["twitch_user_id"] is NSNull)
    }

    @Test func aPostgresStoreThatCannotBeOpenedIsNamedWithTheReasonAtOnce() throws {
        let box = Sandbox()
        let missing = try box.run(
            "syncd", ["user", "list", "--db", "postgresql://racesync@/races?host=\(box.path)/no-server"], timeout: 20)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot connect to postgresql://racesync@/races"), "\(missing.stderr)")
        let noUser = try box.run("syncd", ["user", "add", "alice", "--db", "postgresql://db.internal/races"])
        #expect(noUser.status == 1 && noUser.stderr.contains("names no user") && noUser.stdout.isEmpty)
        // The environment names the database when --db is absent.
        let hub = try box.run(
            "syncd", ["hub", "--port", "0"],
            env: ["RACESYNC_DATABASE_URL": "postgresql://racesync:hunter2@/races?host=\(box.path)/none"], timeout: 20)
        #expect(hub.status == 1 && hub.stderr.contains("cannot connect"))
        #expect(!hub.stderr.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: box.file("xdg/racesync/hub.sqlite")))
    }

    @Test func userCommandsRefuseAForeignFileUntouched() throws {
        let box = Sandbox()
        let path = box.file("notes.sqlite")
        try Data("just some text".utf8).write(to: URL(fileURLWithPath: path))
        let result = try box.run("syncd", ["user", "add", "bob", "--db", path])
        #expect(result.status == 1 && result.stderr.contains(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "just some text")
    }

    @Test func hubServesAndStopsCleanlyOnSIGTERM() async throws {
        let box = Sandbox()
        let added = try box.run("syncd", ["user", "add", "carol", "--db", box.file("hub.sqlite")])
        let hub = try HubProcess(in: box)
        let health = try await HTTP.send("GET", hub.url + "/healthz")
        #expect(health.status == 200 && health.object["status"] as? String == "ok")
        // A user added while the hub runs is known at its next request.
        let late = try box.run("syncd", ["user", "add", "dave", "--db", hub.db])
        let me = try await HTTP.send("GET", hub.url + "/api/me", token: late.lastLine)
        #expect(me.object["twitch_username"] as? String == "dave")
        #expect(try await HTTP.send("GET", hub.url + "/api/me", token: added.lastLine).status == 200)
        #expect(hub.daemon.stop() == 0)
        #expect(hub.daemon.log.contains("store closed"))
        // Tokens never reach the log.
        #expect(!hub.daemon.log.contains(late.lastLine) && !hub.daemon.log.contains(added.lastLine))
    }

    @Test func aHubWhosePortIsTakenSaysSoAndExitsCleanly() throws {
        let box = Sandbox()
        let first = try HubProcess(in: box)
        // The second hub cannot listen: a plain error and exit 1 (it used to trap on its way out,
        // leaving its outbound HTTP clients unclosed), and the store closed behind it.
        let second = try box.run(
            "syncd", ["hub", "--db", box.file("other.sqlite"), "--port", String(first.port)], timeout: 30)
        #expect(second.status == 1, "\(second.stderr.suffix(400))")
        #expect(second.stderr.contains("Address already in use"), "\(second.stderr.suffix(400))")
        #expect(!second.stderr.contains("Fatal error"))
        #expect(first.daemon.stop() == 0)
    }

    @Test(arguments: [
        ["--help"], ["hub", "--help"], ["node", "--help"], ["user", "--help"], ["user", "add", "--help"],
        ["user", "list", "--help"], ["help", "hub"],
    ])
    func helpIsPrinted(_ args: [String]) throws {
        let help = try Sandbox().run("syncd", args)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE:") && help.stdout.contains("--"), "\(args): \(help.stdout)")
    }

    @Test func exitCodesFollowTheSameTableAsRacecli() throws {
        let box = Sandbox()
        let unknownOption = try box.run("syncd", ["--bogus"])
        #expect(unknownOption.status == 2 && unknownOption.stderr.contains("--bogus"))
        let badPort = try box.run("syncd", ["hub", "--port", "99999"])
        #expect(badPort.status == 2 && badPort.stderr.contains("--port"))
        let badLogin = try box.run("syncd", ["user", "add", "bad login", "--db", box.file("hub.sqlite")])
        #expect(badLogin.status == 1 && badLogin.stderr.hasPrefix("syncd: invalid login"))
    }

    @Test func theNodesPagesListenOnlyOnLoopback() throws {
        let box = Sandbox()
        for address in ["0.0.0.0:8090", "192.168.1.5:8090", "[::]:8090"] {
            let refused = try box.run("syncd", ["node", "--db", box.file("replica.sqlite"), "--web", address])
            #expect(refused.status == 2 && refused.stderr.contains("loopback"), "\(address): \(refused.stderr)")
        }
        // An IP literal only: a name that merely starts like a loopback address is not one.
        for address in ["127.evil.example:8090", "localhost:8090", "127.0.0.1.nip.io:8090"] {
            let refused = try box.run("syncd", ["node", "--db", box.file("replica.sqlite"), "--web", address])
            #expect(refused.status == 2 && refused.stderr.contains("IP address"), "\(address): \(refused.stderr)")
        }
        let malformed = try box.run("syncd", ["node", "--web", "127.0.0.1"])
        #expect(malformed.status == 2 && malformed.stderr.contains("HOST:PORT"))
        #expect(!FileManager.default.fileExists(atPath: box.file("replica.sqlite")))
        let help = try box.run("syncd", ["node", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--web <host:port>"))
    }

    /// `--metrics-address` moves `/metrics` to a listener of its own; the public port answers 404.
    @Test func metricsMoveToTheirOwnListener() async throws {
        let box = Sandbox()
        let hub = try HubProcess(in: box, extra: ["--metrics-address", "127.0.0.1:0"])
        #expect(hub.daemon.waitForLog("serving /metrics"))
        let line = hub.daemon.log.split(separator: "\n").first { $0.contains("serving /metrics") } ?? ""
        let port = line.range(of: "127.0.0.1:").map { String(line[$0.upperBound...].prefix { $0.isNumber }) } ?? ""
        let metrics = try await HTTP.send("GET", "http://127.0.0.1:\(port)/metrics")
        #expect(metrics.status == 200 && String(decoding: metrics.body, as: UTF8.self).contains("racesync_"))
        #expect(try await HTTP.send("GET", hub.url + "/metrics").status == 404)
        #expect(try await HTTP.send("GET", "http://127.0.0.1:\(port)/healthz").status == 404)
        #expect(hub.daemon.stop() == 0)
        let refused = try box.run("syncd", ["hub", "--metrics-address", "9090"])
        #expect(refused.status == 2 && refused.stderr.contains("HOST:PORT"), "\(refused.stderr)")
    }
}
