import Foundation
import SyncCore
import SyncNode
import SyncStore
import SyncTwitch

/// The synthetic hub content the merge benchmarks use: users, races, and 100k caster ops.
struct Workload {
    let organizer: User
    let organizerToken: String
    let users: [User]
    let races: [UUID]
    let ops: [Op]

    /// Creates `userCount` users and `raceCount` races in `store`, and `opCount` ops over random pairs.
    static func make(store: HubStore, userCount: Int = 1000, raceCount: Int = 100, opCount: Int = 100_000) async throws
        -> Workload
    {
        let hub = store.hub
        let (organizer, token) = try await hub.addUser(login: "organizer", displayName: nil)
        var users: [User] = []
        for i in 0..<userCount { users.append(try await hub.addUser(login: "user\(i)", displayName: nil).user) }
        var races: [UUID] = []
        for i in 0..<raceCount { races.append(try await hub.createRace(name: "race \(i)", organizer: organizer.id).id) }
        var rng = SystemRandomNumberGenerator()
        let now = WallClock.nowMs()
        let ops = (0..<opCount).map { i in
            Op(
                kind: Bool.random(using: &rng) ? .join : .leave, raceID: races.randomElement(using: &rng)!,
                userID: users.randomElement(using: &rng)!.id,
                hlc: HLC(wallMs: now - 50_000 + Int64(i / 60), counter: UInt16(i % 60), node: "bench"))
        }
        return Workload(organizer: organizer, organizerToken: token, users: users, races: races, ops: ops)
    }
}
