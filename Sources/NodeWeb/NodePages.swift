import Foundation
import RaceService
import RaceWeb
import SyncCore
import SyncNode
import SyncStore

/// Builds the node's pages from the replica for the logged-in user: the same view models as
/// the hub's, plus the viewer (controls, badges, notices, offline state).
struct NodePages: Sendable {
    let store: ReplicaStore
    let status: NodeSyncStatus
    let guardian: FormGuard
    var renderer: PageRenderer { .standard }

    /// A race page's model and its live section (what a stream sends); nil for a race the
    /// replica does not know. Only a page view renders the whole page (`renderer.racePage`).
    func race(_ id: UUID, session: String, flash: String? = nil) async throws -> (
        model: RacePageModel, state: PageState
    )? {
        let (viewer, feedBase) = try await viewer(session: session)
        guard let data = try await store.async.racePage(id) else { return nil }
        var model = RacePageModel(data, viewer: viewer, feedBase: feedBase, since: "")
        // The one-off message sits outside the live section, so the stream's updates keep it.
        let body = renderer.raceBody(model)
        let tag = ContentTag.of(body)
        model.eventsURL = PagePaths.raceEvents(id) + "?since=\(tag)"
        model.flash = flash
        return (model, PageState(id: tag, html: body, summary: model.summary))
    }

    /// The front page's model and its live section.
    func front(session: String) async throws -> (model: FrontPageModel, state: PageState) {
        let (viewer, feedBase) = try await viewer(session: session)
        var model = FrontPageModel(try await store.async.frontPage(), viewer: viewer, feedBase: feedBase, since: "")
        let body = renderer.frontBody(model)
        let tag = ContentTag.of(body)
        model.eventsURL = PagePaths.frontEvents + "?since=\(tag)"
        return (model, PageState(id: tag, html: body, summary: model.summary))
    }

    /// The logged-in user's view, and the hub's base URL for feed links (the node serves no feeds).
    private func viewer(session: String) async throws -> (Viewer, feedBase: String) {
        guard let login = try await store.async.session() else { throw NodeWebError.notLoggedIn }
        let feedBase = login.hub.hasSuffix("/") ? String(login.hub.dropLast()) : login.hub
        let token = guardian.token(for: session)
        let rejected = try await store.async.rejectedOps()
        let overridden = try await store.async.overriddenOps()
        let names = try await store.async.raceNames(Set(rejected.map(\.raceID) + overridden.map(\.raceID)))
        func name(_ race: UUID) -> String { names[race] ?? race.lowercased }
        var notices = rejected.map { op in
            Notice(
                opID: op.opID, raceID: op.raceID, heading: "Rejected by the hub",
                text:
                    "your \(op.kind == .join ? "join" : "leave") of \(name(op.raceID)) was refused: \(op.detail) (\(op.code)). The page shows the hub's state.",
                formToken: token)
        }
        notices += overridden.map { op in
            Notice(
                opID: op.opID, raceID: op.raceID, heading: "Overridden",
                text: op.explanation(raceName: name(op.raceID), me: login.user.id), formToken: token)
        }
        let state = status.current
        let offline =
            state.reachable == false
            ? OfflineNotice(problem: state.problem ?? "unreachable", lastSync: try await store.async.lastSyncAt()) : nil
        return (Viewer(user: login.user, formToken: token, notices: notices, offline: offline), feedBase)
    }
}

/// Errors of the node's pages.
enum NodeWebError: Error, CustomStringConvertible {
    case notLoggedIn
    var description: String { "this replica has no login: run 'racecli login' first" }
}
