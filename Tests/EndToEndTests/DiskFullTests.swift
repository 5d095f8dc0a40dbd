import ChildProcesses
import Foundation
import Testing

/// The hub on a full disk, on a real small tmpfs (mounting one needs root, which `make test`
/// has on CI): writes are `503` with `Retry-After`, `/healthz` is `503`, a `kill -9` and a start
/// while still full are survived, and once space is freed every acknowledged write is there.
@Suite struct DiskFullTests {
    /// A tmpfs of `megabytes` mounted inside `box`, unmounted by `unmount()`; nil without root.
    final class SmallDisk {
        let path: String

        init?(in box: Sandbox, megabytes: Int) throws {
            guard getuid() == 0 else { return nil }
            path = box.file("disk")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let status = try ChildProcess(
                "/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path]
            ).waitForExit()
            guard status == 0 else { throw HarnessError("mount tmpfs failed (\(status))") }
        }

        func file(_ name: String) -> String { path + "/" + name }

        func unmount() { _ = try? ChildProcess("/bin/umount", ["-l", path]).waitForExit() }
    }

    @Test func aFullDiskIsAnOutageWithANameAndNothingIsLost() async throws {
        let box = Sandbox()
        guard let disk = try SmallDisk(in: box, megabytes: 3) else {
            print("DiskFullTests: skipped, mounting a tmpfs needs root")
            return
        }
        defer { disk.unmount() }
        // Space to free later.
        try Data(count: 768 * 1024).write(to: URL(fileURLWithPath: disk.file("ballast")))
        let db = disk.file("hub.sqlite")
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        let hub = try HubProcess(in: box, db: db, extra: HubProcess.unlimited)
        var acknowledged: [String] = []
        var refusal: HTTP.Reply?
        for i in 0..<5000 {
            let reply = try await HTTP.send(
                "POST", hub.url + "/api/races", token: org,
                json: ["name": "race \(i) " + String(repeating: "x", count: 180)])
            if reply.status == 201 {
                acknowledged.append(reply.object["id"] as! String)
            } else {
                refusal = reply
                break
            }
        }
        #expect(acknowledged.count > 10)
        let full = try #require(refusal, "the disk never filled")
        #expect(full.status == 503)
        #expect(
            (full.object["detail"] as? String)?.contains("disk is full") == true,
            "\(String(decoding: full.body, as: UTF8.self))")
        #expect(full.headers["retry-after"] == "10")
        #expect(try await HTTP.send("GET", hub.url + "/healthz").status == 503)
        // Reads still work.
        #expect(try await HTTP.send("GET", hub.url + "/api/races/\(acknowledged[0])").status == 200)

        hub.daemon.kill9()
        // Started while the disk is still full, the hub either refuses to start, saying why, or
        // (when the killed hub's WAL has room for its start-up write) starts and names the outage
        // on the first write. Either way the start must not make the store unopenable later.
        let fullStart = try Daemon("syncd", ["hub", "--db", db, "--port", "0"], in: box)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, fullStart.process.isRunning, !fullStart.log.contains("listening") { usleep(20_000) }
        if fullStart.process.isRunning {
            let line = fullStart.log.split(separator: "\n").first { $0.contains("listening") } ?? ""
            let port = line.range(of: "127.0.0.1:").map { String(line[$0.upperBound...].prefix { $0.isNumber }) } ?? ""
            let write = try await HTTP.send(
                "POST", "http://127.0.0.1:\(port)/api/races", token: org,
                json: ["name": String(repeating: "z", count: 200)])
            #expect(write.status == 503 && write.headers["retry-after"] == "10", "\(write.status)")
            #expect(try await HTTP.send("GET", "http://127.0.0.1:\(port)/healthz").status == 503)
            fullStart.kill9()
        } else {
            #expect(fullStart.process.exitStatus == 1)
            #expect(fullStart.log.contains("disk holding it is full"), "\(fullStart.log)")
        }
        #expect(!fullStart.log.contains("corrupt") && !fullStart.log.contains("damaged"), "\(fullStart.log)")

        try FileManager.default.removeItem(atPath: disk.file("ballast"))
        let back = try HubProcess(in: box, db: db)
        #expect(try await HTTP.send("GET", back.url + "/healthz").status == 200)
        for id in acknowledged {
            #expect(try await HTTP.send("GET", back.url + "/api/races/\(id)").status == 200, "race \(id) lost")
        }
        #expect(try await HTTP.send("POST", back.url + "/api/races", token: org, json: ["name": "after"]).status == 201)
        #expect(back.daemon.stop() == 0)
        let check = try box.run("/usr/bin/env", ["sqlite3", db, "PRAGMA integrity_check"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    /// The running hub learns by itself that space was freed: `/healthz` and writes recover
    /// without a restart.
    @Test func theHubResumesByItselfOnceSpaceIsFreed() async throws {
        let box = Sandbox()
        guard let disk = try SmallDisk(in: box, megabytes: 3) else { return }
        defer { disk.unmount() }
        try Data(count: 768 * 1024).write(to: URL(fileURLWithPath: disk.file("ballast")))
        let db = disk.file("hub.sqlite")
        let org = try box.run("syncd", ["user", "add", "org", "--db", db]).lastLine
        let hub = try HubProcess(in: box, db: db, extra: HubProcess.unlimited)
        var status = 201
        for i in 0..<5000 where status == 201 {
            status = try await HTTP.send(
                "POST", hub.url + "/api/races", token: org,
                json: ["name": "race \(i) " + String(repeating: "x", count: 180)]
            ).status
        }
        #expect(status == 503)
        #expect(try await HTTP.send("GET", hub.url + "/healthz").status == 503)
        try FileManager.default.removeItem(atPath: disk.file("ballast"))
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await HTTP.send("GET", hub.url + "/healthz").status == 200)
        #expect(try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "after"]).status == 201)
        #expect(hub.daemon.stop() == 0)
    }

    /// racecli on a replica whose disk is full names the file and the cause, and exits 1.
    @Test func racecliSaysDiskFullWithThePath() async throws {
        let box = Sandbox()
        guard let disk = try SmallDisk(in: box, megabytes: 2) else { return }
        defer { disk.unmount() }
        let hub = try HubProcess(in: box)
        let org = try box.run("syncd", ["user", "add", "org", "--db", hub.db]).lastLine
        let alice = try box.run("syncd", ["user", "add", "alice", "--db", hub.db]).lastLine
        let race =
            try await HTTP.send("POST", hub.url + "/api/races", token: org, json: ["name": "r"]).object["id"] as! String
        let replica = disk.file("replica.sqlite")
        #expect(
            try box.run("racecli", ["login", "--hub", hub.url, "--token-stdin", "--db", replica], stdin: alice + "\n")
                .status == 0)
        // Fill every byte left.
        #expect(FileManager.default.createFile(atPath: disk.file("fill"), contents: nil))
        let filler = try #require(FileHandle(forWritingAtPath: disk.file("fill")))
        while (try? filler.write(contentsOf: Data(count: 64 * 1024))) != nil {}
        while (try? filler.write(contentsOf: Data(count: 512))) != nil {}
        try? filler.close()
        let join = try box.run("racecli", ["cast-join", race, "--db", replica])
        #expect(join.status == 1, "\(join.stderr)")
        #expect(
            join.stderr.contains(replica) && join.stderr.contains("disk") && join.stderr.contains("full"),
            "\(join.stderr)")
        try FileManager.default.removeItem(atPath: disk.file("fill"))
        #expect(try box.run("racecli", ["cast-join", race, "--db", replica]).status == 0)
        #expect(hub.daemon.stop() == 0)
    }
}
