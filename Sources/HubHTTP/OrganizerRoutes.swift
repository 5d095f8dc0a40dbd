import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// The organizer's pages on the hub (CONTRACT §8): **New race**, and on their race page the
/// life-cycle steps, adding a participant or a caster by login and removing a caster. Each is
/// a same-origin form with the session's form token, answered through the same use case and
/// under the same write quota as the REST API; a refusal shows the rule's reason.
struct OrganizerRoutes {
    let store: Hub
    let web: WebSignIn
    let pages: WebRoutes
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(PagePaths.newRace)) { request, _ in
            guard let signedIn = try await web.signedIn(request) else {
                return AccountRoutes.seeOther(LoginPageModel.link(returnTo: PagePaths.newRace))
            }
            return WebPage.html(
                renderer.newRacePage(NewRacePageModel(formToken: signedIn.formToken, you: signedIn.user.shownName)))
        }
        router.post(RouterPath(PagePaths.newRace)) { request, _ in
            let (signedIn, form) = try await web.checkedPost(request, returnTo: PagePaths.newRace)
            let raw = form.name ?? ""
            func refused(_ problem: String, _ status: HTTPResponse.Status) -> Response {
                let model = NewRacePageModel(
                    formToken: signedIn.formToken, you: signedIn.user.shownName, name: raw, problem: problem)
                return WebPage.html(renderer.newRacePage(model), status: status)
            }
            let name: String
            switch Race.validatedName(raw) {
            case .success(let valid): name = valid
            case .failure(let why): return refused("The name \(why).", .unprocessableContent)
            }
            do {
                try pages.quota.take(ops: 1, createsRace: true, user: signedIn.user.id)
            } catch let error as APIError {
                return refused(Sentence.of(error.detail), error.status)
            }
            let race = try await store.createRace(name: name, organizer: signedIn.user.id)
            return AccountRoutes.seeOther(PagePaths.race(race.id))
        }
        for step in RaceRules.Transition.allCases {
            router.post(RouterPath(PagePaths.racePattern(step.rawValue))) { request, context in
                let id = try WebPageError.raceID(context.parameters)
                let (signedIn, _) = try await web.checkedPost(request, returnTo: PagePaths.race(id))
                return try await pages.act(on: id, as: signedIn) {
                    _ = try await store.transition(step, race: id, caller: signedIn.user.id)
                }
            }
        }
        for member in ["participants", "casters"] {
            router.post(RouterPath(PagePaths.racePattern(member))) { request, context in
                let id = try WebPageError.raceID(context.parameters)
                let (signedIn, form) = try await web.checkedPost(request, returnTo: PagePaths.race(id))
                return try await pages.act(on: id, as: signedIn) {
                    let login = try Self.login(form.login)
                    if member == "participants" {
                        _ = try await store.addParticipant(race: id, caller: signedIn.user.id, login: login)
                    } else {
                        _ = try await store.addCaster(race: id, caller: signedIn.user.id, login: login)
                    }
                }
            }
        }
        for member in ["caster", "participant"] {
            let pattern = member == "caster" ? PagePaths.removeCasterPattern : PagePaths.removeParticipantPattern
            router.post(RouterPath(pattern)) { request, context in
                let id = try WebPageError.raceID(context.parameters)
                let (signedIn, _) = try await web.checkedPost(request, returnTo: PagePaths.race(id))
                guard let memberID = context.parameters.get(member + "_id").flatMap(UUID.init(uuidString:)) else {
                    throw WebPageError(.unprocessableContent, "Not a \(member)", "That is not the id of a \(member).")
                }
                return try await pages.act(on: id, as: signedIn) {
                    if member == "caster" {
                        _ = try await store.removeCaster(race: id, caller: signedIn.user.id, casterID: memberID)
                    } else {
                        _ = try await store.removeParticipant(
                            race: id, caller: signedIn.user.id, participantID: memberID)
                    }
                }
            }
        }
    }

    /// The form's login, lowercase and valid, or a 422 the race page shows.
    static func login(_ raw: String?) throws -> String {
        do { return try TwitchLogin((raw ?? "").trimmingCharacters(in: .whitespaces)).value } catch {
            throw APIError.malformed("'\((raw ?? "").prefix(40))' is not a Twitch login: \(error)")
        }
    }
}
