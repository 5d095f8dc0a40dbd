import Foundation

/// The pages and feeds with 50,000 active races and three runners live in three of them: what
/// one request costs when its cache is cold
/// (right after a change), next to `/healthz` timed the same way on the same hub. The front page
/// lists the newest 200 races and a feed the newest 500 items, so neither grows with the store.
enum ScaleBench {
    static let raceCount = 50_000

    static func run(_ report: Report) throws {
        let db = workDir + "/scale.sqlite"
        let token =
            try Shell.run(ProcessBench.binDir + "/syncd", ["user", "add", "organizer", "--db", db])
            .split(separator: "\n").last.map(String.init) ?? ""
        // Bulk-inserted by SQLite itself: 50,000 requests would take minutes and measure nothing here.
        _ = try Shell.run(
            "sqlite3",
            [
                db,
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(raceCount))
                INSERT INTO races (id, created_seq, name, status, seeds_released, organizer_id, created_at, updated_at)
                SELECT randomblob(16), i, 'Race ' || i || ' <any%> & more', CASE i % 2 WHEN 0 THEN 'setup' ELSE 'running' END, 0,
                       (SELECT id FROM users WHERE login = 'organizer'), 1790000000000 + i, 1790000000000 + i FROM n;
                """
                    + (1...3).map { i in
                        // Three runners live, each a participant of an active race somewhere in the middle.
                        """
                        INSERT INTO users (id, login, display_name, created_at) VALUES (randomblob(16), 'runner\(i)', 'Runner \(i)', 0);
                        INSERT INTO participants (race_id, user_id)
                            SELECT (SELECT id FROM races ORDER BY created_seq LIMIT 1 OFFSET \(i * 10_000)), id FROM users WHERE login = 'runner\(i)';
                        INSERT INTO live_status (user_id, stream_id, title, started_at, observed_at)
                            SELECT id, 'stream\(i)', 'WR pace <b>', 1790000000000, 1790000000000 FROM users WHERE login = 'runner\(i)';
                        """
                    }.joined(),
            ])
        let hub = try ProcessBench.Hub(db: db)
        defer { hub.stop() }
        func afterEachChange(_ path: String) throws -> Double {
            var times: [Double] = []
            for round in 0..<20 {
                _ = try Shell.run(
                    "curl",
                    [
                        "-sf", "-X", "POST", hub.url + "/api/races", "-H", "Authorization: Bearer \(token)",
                        "-H", "Content-Type: application/json", "-d", "{\"name\": \"change \(round)\"}",
                    ])
                times.append(try seconds { _ = try Shell.run("curl", ["-sf", "-o", "/dev/null", hub.url + path]) })
            }
            return percentile(times, 0.5) * 1000
        }
        var healthTimes: [Double] = []
        for _ in 0..<20 {
            healthTimes.append(
                try seconds { _ = try Shell.run("curl", ["-sf", "-o", "/dev/null", hub.url + "/healthz"]) })
        }
        let health = percentile(healthTimes, 0.5) * 1000
        let base = "ms curl /healthz, same hub"
        report.add(
            Figure(
                name: "front page GET right after a change, 50k active races (median of 20, curl)",
                value: try afterEachChange("/"),
                unit: "ms", baseline: health, baselineName: base))
        report.add(
            Figure(
                name: "all-races Atom feed GET right after a change, 50k active races (median of 20, curl)",
                value: try afterEachChange("/feeds/live.atom"), unit: "ms", baseline: health, baselineName: base))
        report.add(
            Figure(
                name: "race list GET /api/races right after a change, 50k active races (median of 20, curl)",
                value: try afterEachChange("/api/races"), unit: "ms", baseline: health, baselineName: base))
    }
}
