import Foundation
import Testing

/// Hostile data through a real hub and real binaries: clocks at the edge of the rules, names
/// built to amplify or to drive terminals, writes that repeat forever, tokens that must not
/// show in `ps` (CONTRACT §6).
@Suite struct HostileDataTests {
    typealias World = HostileClientTests.World

    static func op(_ kind: String, race: String, user: String, wallMs: Int64, counter: Int) -> [String: Any] {
        [
            "op_id": UUID().uuidString.lowercased(), "kind": kind, "race_id": race, "user_id": user,
            "hlc": ["wall_ms": wallMs, "counter": counter, "node": "edge"],
        ]
    }

    static func userID(_ w: World, _ login: String) async throws -> String {
        try await HTTP.send("GET", w.hub.url + "/api/me", token: w.tokens[login]).object["id"] as! String
    }

    /// Generous on purpose (tests never time the hub): the bug this guards against held the
    /// writer until the hub's clock caught up with the op, 59 s and more; a loaded CI machine
    /// running other tests in parallel must not make a correct hub miss it.
    static let deadline: TimeInterval = 30

    /// Whether `body` finished before `deadline` seconds (it is not cut short: the test then fails).
    static func finishes(within deadline: TimeInterval, _ body: () async throws -> Void) async rethrows -> Bool {
        let started = Date()
        try await body()
        return Date().timeIntervalSince(started) < deadline
    }

    @Test func opsAtTheEdgeOfTheClockRuleNeverMakeTheHubWait() async throws {
        let w = try await World()
        let alice = try await Self.userID(w, "alice")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // The legal maximum, which used to make the hub sleep until its wall clock caught up.
        let edge = Self.op("caster.leave", race: w.race, user: alice, wallMs: now + 59_000, counter: 65535)
        var first: HTTP.Reply?
        #expect(
            try await Self.finishes(within: Self.deadline) {
                first = try await HTTP.send(
                    "POST", w.hub.url + "/api/sync/push", token: w.tokens["alice"],
                    json: ["node_id": "edge", "ops": [edge]])
            })
        #expect((first?.object["results"] as? [[String: Any]])?.first?["status"] as? String == "applied")
        // A batch stepping each op further ahead: the legal ones merge at once, the rest are 400.
        let steps = (0..<200).map { i in
            Self.op(
                i % 2 == 0 ? "caster.join" : "caster.leave", race: w.race, user: alice,
                wallMs: now + 59_000 + Int64(i) * 59_000, counter: 65535)
        }
        var batch: HTTP.Reply?
        #expect(
            try await Self.finishes(within: Self.deadline) {
                batch = try await HTTP.send(
                    "POST", w.hub.url + "/api/sync/push", token: w.tokens["alice"],
                    json: ["node_id": "edge", "ops": steps])
            })
        let results = batch?.object["results"] as? [[String: Any]] ?? []
        #expect(results.count == 200)
        #expect(results.dropFirst().allSatisfy { $0["status"] as? String == "rejected" && $0["code"] as? Int == 400 })
        // Later writes through REST are not held up either, and the hub's stamp still wins.
        var statuses: [Int] = []
        #expect(
            try await Self.finishes(within: Self.deadline) {
                statuses.append(
                    try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-join", token: w.tokens["bob"])
                        .status)
                statuses.append(
                    try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-leave", token: w.tokens["bob"])
                        .status)
            })
        #expect(statuses == [200, 200])
    }

    @Test func amplifiedAndControlCharacterNamesAreRefusedWith422() async throws {
        let w = try await World()
        let bad = [
            "a" + String(repeating: "\u{0301}", count: 300), "x\u{0000}y", "\u{001B}[2J\u{001B}[31mgotcha",
            "ding\u{0007}",
            "c1\u{009B}31m", String(repeating: "x", count: 201), "   ",
        ]
        for name in bad {
            let reply = try await HTTP.send(
                "POST", w.hub.url + "/api/races", token: w.tokens["org"], json: ["name": name])
            #expect(reply.status == 422, "\(name.debugDescription.prefix(40)): \(reply.status)")
            #expect((reply.object["detail"] as? String)?.contains("name") == true)
        }
        let ok = try await HTTP.send(
            "POST", w.hub.url + "/api/races", token: w.tokens["org"],
            json: ["name": "  🏁 Any% — " + String(repeating: "é", count: 150) + " "])
        #expect(ok.status == 201)
        let display = try w.box.run(
            "syncd", ["user", "add", "mallory", "--display-name", "\u{001B}]0;owned\u{0007}", "--db", w.hub.db])
        #expect(display.status == 1 && display.stderr.contains("control"))
    }

    @Test func racecliNeverPrintsControlCharactersFromData() async throws {
        let w = try await World()
        let replica = w.box.file("alice.sqlite")
        let login = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token-stdin", "--db", replica], stdin: w.tokens["alice"]! + "\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        // Text stored before names were checked (or by another tool) reaches the replica.
        let sql = try w.box.run(
            "/usr/bin/sqlite3",
            [
                replica,
                "UPDATE races SET name = 'evil' || char(27) || '[2J' || char(7) || char(155) || 'x'; UPDATE users SET display_name = char(27) || ']0;pwned' || char(7)",
            ])
        #expect(sql.status == 0, "\(sql.stderr)")
        for args in [
            ["races"], ["race", w.race], ["status"], ["live"], ["races", "--json"], ["race", w.race, "--json"],
        ] {
            let out = try w.box.run("racecli", args + ["--db", replica])
            #expect(out.status == 0, "\(args): \(out.stderr)")
            let scalars = (out.stdout + out.stderr).unicodeScalars
            #expect(
                !scalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                "\(args) printed a control character")
        }
        let shown = try w.box.run("racecli", ["races", "--db", replica])
        #expect(shown.stdout.contains("evil\u{FFFD}[2J\u{FFFD}\u{FFFD}x"))
    }

    @Test func aRowRewrittenAHundredTimesAddsOneChangeToAFreshPull() async throws {
        let w = try await World()
        func freshPullSize() async throws -> Int {
            let page = try await HTTP.send("GET", w.hub.url + "/api/sync/pull?limit=5000", token: w.tokens["org"])
            return (page.object["changes"] as? [Any])?.count ?? -1
        }
        let before = try await freshPullSize()
        for _ in 0..<50 {
            #expect(
                try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-join", token: w.tokens["alice"])
                    .status == 200)
            #expect(
                try await HTTP.send("POST", w.hub.url + "/api/races/\(w.race)/cast-leave", token: w.tokens["alice"])
                    .status == 200)
        }
        #expect(try await freshPullSize() == before + 1)
    }

    @Test func feedExportFollowsARaceThroughItsLifeWithoutTwitch() async throws {
        let box = Sandbox()
        let token = try box.run("syncd", ["user", "add", "org", "--db", box.file("hub.sqlite")]).lastLine
        let feeds = box.file("feeds")
        let hub = try HubProcess(in: box, extra: ["--feed-dir", feeds])
        func appears(_ path: String, _ present: Bool = true) async -> Bool {
            for _ in 0..<40 {
                if FileManager.default.fileExists(atPath: feeds + "/" + path) == present { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        #expect(await appears("live.atom"))
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: token, json: ["name": "Exported"]).object["id"]
            as! String
        #expect(await appears("races/\(race)/live.rss"), "a new race gets its folder within 2 s")
        #expect(try await HTTP.send("POST", hub.url + "/api/races/\(race)/start", token: token).status == 200)
        #expect(try await HTTP.send("POST", hub.url + "/api/races/\(race)/finish", token: token).status == 200)
        #expect(await appears("races/\(race)", false), "a finished race's folder goes within 2 s")
        #expect(hub.daemon.log.contains("Twitch polling off"))
    }

    @Test func tokensStayOffTheCommandLine() async throws {
        let w = try await World()
        let replica = w.box.file("bob.sqlite")
        let both = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token", "x", "--token-stdin", "--db", replica])
        #expect(both.status == 2)
        let empty = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token-stdin", "--db", replica], stdin: "\n")
        #expect(empty.status == 2 && !FileManager.default.fileExists(atPath: replica))
        let login = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token-stdin", "--db", replica],
            stdin: w.tokens["bob"]! + "\nignored\n")
        #expect(login.status == 0 && login.stdout.contains("bob"), "\(login.stderr)")
        // The default replica lives in a folder a fresh machine does not have yet; nothing is left beside it.
        let firstLogin = try w.box.run(
            "racecli", ["login", "--hub", w.hub.url, "--token-stdin"], stdin: w.tokens["bob"]!)
        #expect(firstLogin.status == 0, "\(firstLogin.stderr)")
        let folder = w.box.file("xdg/racesync")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix("replica.sqlite") }
                .isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains("snapshot") })
        // The daemon takes the token from the environment, and logs the replica in with it.
        let fresh = w.box.file("carol.sqlite")
        let node = try Daemon(
            "syncd", ["node", "--db", fresh, "--hub", w.hub.url, "--interval", "1"], in: w.box,
            env: ["RACESYNC_TOKEN": w.tokens["carol"]!])
        #expect(node.waitForLog("hub reachable"), "\(node.log)")
        #expect(node.log.contains("carol") && !node.log.contains(w.tokens["carol"]!))
        #expect(node.stop() == 0)
        let status = try w.box.run("racecli", ["status", "--json", "--db", fresh])
        #expect(status.stdout.contains("\"carol\""))
    }

    @Test func secretsStayOutOfEvenDebugLogs() async throws {
        let box = Sandbox()
        let token = try box.run("syncd", ["user", "add", "alice", "--db", box.file("hub.sqlite")]).lastLine
        let secret = "twitch-secret-" + UUID().uuidString
        let hub = try HubProcess(
            in: box, extra: ["--poll-interval", "1"],
            env: [
                "LOG_LEVEL": "debug", "TWITCH_CLIENT_ID": "client-id", "TWITCH_CLIENT_SECRET": secret,
                "TWITCH_AUTH_URL": "http://127.0.0.1:9/oauth2", "TWITCH_API_URL": "http://127.0.0.1:9/helix",
            ])
        let node = try Daemon(
            "syncd", ["node", "--db", box.file("a.sqlite"), "--hub", hub.url], in: box,
            env: ["LOG_LEVEL": "debug", "RACESYNC_TOKEN": token])
        #expect(node.waitForLog("hub reachable"), "\(node.log)")
        // Someone to poll for, so the hub asks Twitch for a token (and fails: nothing listens there).
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: token, json: ["name": "r"]).object["id"]
            as! String
        #expect(
            try await HTTP.send(
                "POST", hub.url + "/api/races/\(race)/participants", token: token, json: ["twitch_username": "alice"]
            ).status == 200)
        #expect(hub.daemon.waitForLog("Twitch poll failed"), "\(hub.daemon.log)")
        #expect(node.stop() == 0 && hub.daemon.stop() == 0)
        for log in [node.log, hub.daemon.log] {
            #expect(!log.contains(token) && !log.contains(secret))
            #expect(log.contains("debug"), "the test must really run at debug level")
        }
    }

    @Test(arguments: [
        ["--help"], ["races", "--help"], ["race", "--help"], ["login", "--help"], ["cast-join", "--help"],
        ["cast-leave", "--help"],
        ["sync", "--help"], ["status", "--help"], ["live", "--help"], ["feed", "--help"], ["help", "races"],
    ])
    func racecliHelpIsPrinted(_ args: [String]) throws {
        let box = Sandbox()
        let help = try box.run("racecli", args)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE:") && help.stdout.contains("--"), "\(args): \(help.stdout)")
    }
}
