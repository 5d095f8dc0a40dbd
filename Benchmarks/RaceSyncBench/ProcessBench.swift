import ChildProcesses
import Foundation
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// Benchmarks of the real release binaries: feeds under wrk, hub memory,
/// and join propagation between two node daemons.
enum ProcessBench {
    static let binDir = (CommandLine.arguments[0] as NSString).deletingLastPathComponent

    /// A release `syncd hub` child process.
    final class Hub {
        let process: ChildProcess
        let port: Int
        let db: String

        /// `log`: where its standard error goes.
        init(db: String, env: [String: String] = [:], args: [String] = [], log: String = "/dev/null") throws {
            self.db = db
            port = Int.random(in: 20000...40000)
            process = try ChildProcess(
                binDir + "/syncd",
                ["hub", "--db", db, "--port", String(port), "--max-ops-per-minute", "0", "--max-races-per-day", "0"]
                    + args,
                environment: ProcessInfo.processInfo.environment.merging(["LOG_LEVEL": "error"].merging(env) { $1 }) {
                    $1
                },
                stderr: log)
            for _ in 0..<200 {
                if (try? Shell.run("curl", ["-sf", url + "/healthz"]))?.contains("ok") == true { return }
                usleep(25_000)
            }
            throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "hub did not start"])
        }

        var url: String { "http://127.0.0.1:\(port)" }

        /// Resident memory in MiB.
        var rssMiB: Double {
            let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }

        func stop() { process.stop(grace: 20) }
    }

    /// Requests/s from wrk for `url` (2 threads, 32 connections, 5 s).
    static func wrk(_ url: String, header: String? = nil) throws -> Double {
        var args = ["-t2", "-c32", "-d5s", url]
        if let header { args = ["-H", header] + args }
        let out = try Shell.run("wrk", args)
        let line = out.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") } ?? "0"
        return Double(line.split(separator: " ").last ?? "0") ?? 0
    }

    static func feeds(_ report: Report) async throws {
        guard (try? Shell.run("wrk", ["--version"])) != nil,
            FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk")
        else {
            log("feeds: wrk not installed (make bench installs it); skipped")
            return
        }
        let db = workDir + "/feeds.sqlite"
        let store = try HubStore(path: db)
        let service = store.hub
        let org = try await service.addUser(login: "organizer", displayName: "Organizer").user
        // Three active races with the same 100 live casters: 300 items in the all-races feed.
        var races: [RaceDetail] = []
        for i in 0..<3 {
            races.append(try await service.createRace(name: "Any% <Glitchless> & more #\(i)", organizer: org.id))
        }
        var seen: [UUID: LiveStream] = [:]
        for i in 0..<100 {
            let user = try await service.addUser(login: "caster\(i)", displayName: "Caster \(i)").user
            for race in races {
                _ = try await service.addCaster(race: race.id, caller: org.id, login: user.twitchUsername)
            }
            seen[user.id] = LiveStream(
                streamID: "\(1000 + i)", title: "Casting & chatting <live>", startedAt: Date(), observedAt: Date())
        }
        try await service.recordPoll(seen: seen, at: Date())
        try store.close()
        // The access log's cost: /healthz with a line per request (LOG_LEVEL=info) against none.
        let logging = try Hub(db: db, env: ["LOG_LEVEL": "info"], log: workDir + "/access.log")
        let healthLogged = try wrk(logging.url + "/healthz")
        logging.stop()
        let hub = try Hub(db: db)
        defer { hub.stop() }
        let health = try wrk(hub.url + "/healthz")
        report.add(
            Figure(
                name: "/healthz with the access log (LOG_LEVEL=info), wrk", value: healthLogged, unit: "req/s",
                baseline: health, baselineName: "req/s without it"))
        let get = try wrk(hub.url + "/feeds/live.atom")
        let headers = try Shell.run("curl", ["-sI", hub.url + "/feeds/live.atom"])
        let etag =
            headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("etag:") }.map {
                String($0.dropFirst(5)).trimmingCharacters(in: .whitespaces)
            } ?? ""
        let notModified = try wrk(hub.url + "/feeds/live.atom", header: "If-None-Match: \(etag)")
        let gzip = try wrk(hub.url + "/feeds/live.atom", header: "Accept-Encoding: gzip")
        report.add(
            Figure(
                name: "cached feed GET (300 live items), wrk", value: get, unit: "req/s", baseline: health,
                baselineName: "req/s /healthz"))
        report.add(
            Figure(
                name: "cached feed GET, gzip accepted (as feed readers send), wrk", value: gzip, unit: "req/s",
                baseline: health, baselineName: "req/s /healthz"))
        report.add(
            Figure(
                name: "feed conditional GET -> 304, wrk", value: notModified, unit: "req/s", baseline: health,
                baselineName: "req/s /healthz"))
        try againstNginx(report, hub: hub, plain: get, gzip: gzip)
    }

    /// The cached feed next to nginx serving the same bytes (the body as the hub sends it, and
    /// its gzip form with `gzip_static`), measured in the same run.
    static func againstNginx(_ report: Report, hub: Hub, plain: Double, gzip: Double) throws {
        guard NginxAnchor.isInstalled else {
            log("feeds: nginx not installed (make bench installs nginx-light); no anchor")
            return
        }
        let body = workDir + "/live.atom"
        let packed = workDir + "/live.atom.gz"
        Shell.quietly("/usr/bin/curl", ["-sf", "-o", body, hub.url + "/feeds/live.atom"])
        Shell.quietly(
            "/usr/bin/curl", ["-sf", "-H", "Accept-Encoding: gzip", "-o", packed, hub.url + "/feeds/live.atom"])
        let nginx = try NginxAnchor(
            files: [
                "live.atom": try Data(contentsOf: URL(fileURLWithPath: body)),
                "live.atom.gz": try Data(contentsOf: URL(fileURLWithPath: packed)),
            ],
            contentType: "application/atom+xml")
        defer { nginx.stop() }
        let nginxPlain = try wrk(nginx.url + "/feeds/live.atom")
        let nginxGzip = try wrk(nginx.url + "/feeds/live.atom", header: "Accept-Encoding: gzip")
        report.add(
            Figure(
                name: "cached feed GET vs nginx, same bytes, wrk", value: plain, unit: "req/s", baseline: nginxPlain,
                baselineName: "req/s nginx (2 workers, sendfile, no log)", note: "goal ≥ 0.8"))
        report.add(
            Figure(
                name: "cached feed GET gzip vs nginx gzip_static, wrk", value: gzip, unit: "req/s",
                baseline: nginxGzip, baselineName: "req/s nginx gzip_static, same .gz bytes", note: "goal ≥ 0.8"))
    }

    static func memory(_ report: Report) async throws {
        let idle = try Hub(db: workDir + "/idle.sqlite")
        usleep(300_000)
        let idleRSS = idle.rssMiB
        idle.stop()
        log("memory: preparing 10k races / 100k members")
        let db = workDir + "/big.sqlite"
        let store = try HubStore(path: db)
        let service = store.hub
        let org = try await service.addUser(login: "organizer", displayName: nil).user
        var users: [User] = []
        for i in 0..<1000 { users.append(try await service.addUser(login: "member\(i)", displayName: nil).user) }
        var races: [UUID] = []
        for i in 0..<10_000 { races.append(try await service.createRace(name: "race \(i)", organizer: org.id).id) }
        let now = WallClock.nowMs()
        var ops: [Op] = []
        for (index, race) in races.enumerated() {
            for k in 0..<10 {
                ops.append(
                    Op(
                        kind: .join, raceID: race, userID: users[(index * 10 + k) % users.count].id,
                        hlc: HLC(wallMs: now, counter: UInt16(k), node: "m\(index)")))
            }
        }
        for start in stride(from: 0, to: ops.count, by: 1000) {
            _ = try await service.push(Array(ops[start..<start + 1000]), caller: org.id)
        }
        try store.close()
        let hub = try Hub(db: db)
        defer { hub.stop() }
        _ = try Shell.run("curl", ["-s", hub.url + "/api/races", "-o", "/dev/null"])
        _ = try Shell.run("curl", ["-s", hub.url + "/feeds/live.atom", "-o", "/dev/null"])
        report.add(
            Figure(
                name: "hub RSS with 10k races / 100k members (after GET /api/races)", value: hub.rssMiB, unit: "MiB",
                baseline: idleRSS, baselineName: "MiB idle hub, empty store"))
    }
}
