import Foundation
import RaceWeb
import Synchronization

/// The hub's rendered page sections, valid while the store's change signal has not moved: a
/// thousand viewers of one race cost one store read and one render per commit, not a thousand,
/// and a wake that changed nothing costs no store read at all.
final class PageCache: Sendable {
    /// One rendering of a page: its model, its live section, and the log head it shows.
    struct Entry<Model: Sendable>: Sendable {
        var generation: UInt64
        var head: String
        var model: Model
        var body: String
    }

    /// At most this many race pages are kept (all are dropped when it is reached).
    static let maxRaces = 512
    private let races = Mutex<[UUID: Entry<RacePageModel>]>([:])
    private let front = Mutex<Entry<FrontPageModel>?>(nil)

    func race(_ id: UUID, generation: UInt64) -> Entry<RacePageModel>? {
        races.withLock { $0[id] }.flatMap { $0.generation == generation ? $0 : nil }
    }

    func keep(_ entry: Entry<RacePageModel>, for id: UUID) {
        races.withLock { races in
            if races.count >= Self.maxRaces { races.removeAll() }
            races[id] = entry
        }
    }

    func front(generation: UInt64) -> Entry<FrontPageModel>? {
        front.withLock { $0 }.flatMap { $0.generation == generation ? $0 : nil }
    }

    func keep(_ entry: Entry<FrontPageModel>) { front.withLock { $0 = entry } }
}
