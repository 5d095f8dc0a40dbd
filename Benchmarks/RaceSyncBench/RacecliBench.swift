import ChildProcesses
import Foundation
import SyncCore
import SyncStore

/// racecli's read commands against `sqlite3 -json` printing the same facts from the same file:
/// the start-up, opening and output of a real release process.
enum RacecliBench {
    static func run(_ report: Report) throws {
        let path = workDir + "/cli-replica.sqlite"
        try? FileManager.default.removeItem(atPath: path)
        let (races, casters) = (500, 100_000)
        log("racecli: preparing a replica of \(races) races, \(casters) casters")
        try makeReplica(path: path, races: races, users: casters / races)
        let cli = try median(20) { try Shell.run(ProcessBench.binDir + "/racecli", ["races", "--json", "--db", path]) }
        // The floor: the same facts (each race, its organizer, both counts), newest first.
        let floorSQL = """
            SELECT r.id, r.name, r.status, r.created_at, u.login AS organizer,
                   (SELECT count(*) FROM participants p WHERE p.race_id = r.id) AS participant_count,
                   (SELECT count(*) FROM casters c WHERE c.race_id = r.id AND c.present) AS caster_count
            FROM races r LEFT JOIN users u ON u.id = r.organizer_id
            ORDER BY r.created_at DESC, r.created_seq DESC
            """
        let floor = try median(20) { try Shell.run("sqlite3", ["-readonly", "-json", path, floorSQL]) }
        report.add(
            Figure(
                name: "racecli races --json, \(races) races / \(casters) casters (median of 20)", value: cli * 1000,
                unit: "ms", baseline: floor * 1000, baselineName: "ms sqlite3 -json, the same facts"))
        let status = try median(20) {
            try Shell.run(ProcessBench.binDir + "/racecli", ["status", "--json", "--db", path])
        }
        report.add(Figure(name: "racecli status --json (median of 20)", value: status * 1000, unit: "ms"))
    }

    /// A logged-in replica: `races` races of one organizer, each with every one of `users` users
    /// as a caster.
    static func makeReplica(path: String, races: Int, users: Int) throws {
        let replica = try ReplicaStore(path: path)
        let organizer = User(id: UUID(), twitchUsername: "organizer", twitchDisplayName: "Organizer")
        let people = (0..<users).map {
            User(id: UUID(), twitchUsername: "caster\($0)", twitchDisplayName: "Caster \($0)")
        }
        var changes: [Change] = [Change(seq: 1, key: "user", data: .user(organizer))]
        for user in people { changes.append(Change(seq: Int64(changes.count + 1), key: "user", data: .user(user))) }
        for i in 0..<races {
            let race = Race(
                id: UUID(), name: "race \(i)", status: [.setup, .running, .finished][i % 3], seedsReleased: false,
                organizerID: organizer.id, createdAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(i)),
                updatedAt: Date())
            changes.append(
                Change(
                    seq: Int64(changes.count + 1), key: "race", data: .race(RaceState(race: race, createdSeq: Int64(i)))
                ))
            for user in people {
                let register = CasterRegister(
                    present: true, hlc: HLC(wallMs: 1_790_000_000_000, counter: 0, node: "bench"), opID: UUID(),
                    changedBy: user.id)
                changes.append(
                    Change(
                        seq: Int64(changes.count + 1), key: "caster",
                        data: .caster(CasterState(raceID: race.id, userID: user.id, register: register))))
            }
        }
        try replica.login(
            ReplicaSession(hub: "http://127.0.0.1:1", token: "t", user: organizer),
            snapshot: [PullPage(changes: changes, cursor: "abc.\(changes.count)", hasMore: false, reset: false)])
        try replica.close()
    }

    static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try seconds(body)) }
        return percentile(times, 0.5)
    }
}
