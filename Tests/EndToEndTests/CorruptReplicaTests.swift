import ChildProcesses
import Foundation
import Testing

/// racecli and syncd node refuse unusable replica files with a message naming them, and never modify them.
@Suite struct CorruptReplicaTests {
    /// Builds each kind of bad file in `box` and returns its path.
    static func badFiles(in box: Sandbox) throws -> [String] {
        // A real replica, then truncated.
        let good = box.file("good.sqlite")
        let hub = try HubProcess(in: box)
        let token = try box.run("syncd", ["user", "add", "alice", "--db", hub.db]).lastLine
        for i in 0..<30 {
            _ = try box.run(
                "syncd",
                ["user", "add", "filler\(i)", "--display-name", String(repeating: "x", count: 150), "--db", hub.db])
        }
        guard try box.run("racecli", ["login", "--hub", hub.url, "--token", token, "--db", good]).status == 0 else {
            throw HarnessError("login")
        }
        _ = hub.daemon.stop()
        // Fold the WAL into the main file first, so the truncated copy really loses data.
        try sqlite3(good, "PRAGMA wal_checkpoint(TRUNCATE);")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = box.file("truncated.sqlite")
        try bytes.prefix(max(bytes.count / 2, 4096)).write(to: URL(fileURLWithPath: truncated))
        let zeros = box.file("zeros.sqlite")
        try Data(count: 16384).write(to: URL(fileURLWithPath: zeros))
        let foreign = box.file("foreign.sqlite")
        try sqlite3(foreign, "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');")
        return [truncated, zeros, foreign, hub.db]
    }

    static func sqlite3(_ path: String, _ sql: String) throws {
        let status = try ChildProcess("/usr/bin/env", ["sqlite3", path, sql]).waitForExit()
        guard status == 0 else { throw HarnessError("sqlite3 \(path) failed (\(status))") }
    }

    @Test func unusableReplicasAreRefusedAndLeftUntouched() async throws {
        let box = Sandbox()
        for path in try Self.badFiles(in: box) {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            for args in [["races"], ["race", "abc"], ["status", "--json"], ["cast-join", "abc"], ["sync"]] {
                let result = try box.run("racecli", args + ["--db", path])
                #expect(result.status == 1, "\(args) on \(path): \(result.stderr)")
                #expect(result.stderr.contains(path), "\(result.stderr)")
            }
            let node = try box.run("syncd", ["node", "--db", path], timeout: 20)
            #expect(node.status == 1, "syncd node on \(path): \(node.stderr)")
            #expect(node.stderr.contains(path))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(path) was modified")
        }
    }
}
