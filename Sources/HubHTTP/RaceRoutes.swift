import Foundation
import HTTPTypes
import Hummingbird
import RaceService
import SyncCore

/// The REST routes of races and their members (CONTRACT §2).
struct RaceRoutes {
    let store: Hub
    let quota: WriteQuota
    /// The website's sessions: the user search also answers a signed-in page (the organizer's
    /// caster search), as a read needs no form token.
    let web: WebSignIn
    /// `GET /api/races` pages: `limit` defaults to 100 and may be at most 1000.
    static let defaultRaceListLimit = 100
    static let maxRaceListLimit = 1000

    func register(on router: Router<HubContext>) {
        let users = router.authenticated(by: store)
        router.get(RouterPath(HubPaths.users)) { request, _ in
            let bearer = request.headers[.authorization] != nil
            if bearer {
                _ = try await BearerAuthentication(store: store).caller(request)
            } else if try await web.signedIn(request) == nil {
                throw APIError.unauthorized
            }
            let prefix = request.uri.queryParameters.get("q").map { String($0).lowercased() } ?? ""
            guard (1...25).contains(prefix.count),
                prefix.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
            else {
                throw APIError.malformed(
                    "query parameter 'q' must be 1 to 25 characters of a Twitch login (a-z, 0-9, _), got '\(prefix.prefix(40))'"
                )
            }
            let limit = try HTTPIO.intQuery(request, "limit", in: 1...50, fallback: 10)
            return try HTTPIO.json(try await store.users(loginPrefix: prefix, limit: limit))
        }
        users.get(RouterPath(HubPaths.me)) { _, context in
            try HTTPIO.json(try context.caller())
        }
        router.get(RouterPath(HubPaths.races)) { request, _ in
            let query = request.uri.queryParameters
            var status: RaceStatus?
            if let text = query.get("status") {
                guard let parsed = RaceStatus(rawValue: String(text)) else {
                    throw APIError.malformed("query parameter 'status' must be setup, running or finished")
                }
                status = parsed
            }
            var before: RaceListCursor?
            if let text = query.get("before") {
                guard let cursor = RaceListCursor(String(text)) else {
                    throw APIError.malformed("query parameter 'before' is not a cursor this hub issued")
                }
                before = cursor
            }
            let limit = try HTTPIO.intQuery(
                request, "limit", in: 1...Self.maxRaceListLimit, fallback: Self.defaultRaceListLimit)
            let (wanted, after) = (status, before)
            let page = try await store.raceSummaries(status: wanted, before: after, limit: limit)
            var response = HTTPIO.raw(Data(page.races.fastJSON.utf8))
            if let next = page.next {
                let statusPart = status.map { "&status=\($0.rawValue)" } ?? ""
                response.headers[.link] =
                    "</api/races?limit=\(limit)&before=\(next.text)\(statusPart)>; rel=\"next\""
            }
            return response
        }
        router.get(RouterPath(HubPaths.racePattern)) { _, context in
            let id = try HTTPIO.uuid(context, "race_id")
            guard let detail = try await store.raceDetail(id) else { throw APIError.raceNotFound }
            return try HTTPIO.json(detail)
        }
        users.post(RouterPath(HubPaths.races)) { request, context in
            let caller = try context.caller()
            let body = try await HTTPIO.body(CreateRaceBody.self, request, context)
            let name: String
            switch Race.validatedName(body.name) {
            case .success(let valid): name = valid
            case .failure(let why): throw APIError.malformed("field 'name' \(why)")
            }
            try quota.take(ops: 1, createsRace: true, user: caller.id)
            return try HTTPIO.json(try await store.createRace(name: name, organizer: caller.id), status: .created)
        }
        users.post(RouterPath(HubPaths.racePattern("participants"))) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            let login = try await HTTPIO.body(LoginBody.self, request, context).login()
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(try await store.addParticipant(race: id, caller: caller.id, login: login))
        }
        for step in RaceRules.Transition.allCases {
            users.post(RouterPath(HubPaths.racePattern(step.rawValue))) { request, context in
                let caller = try context.caller()
                let id = try HTTPIO.uuid(context, "race_id")
                try quota.take(ops: 1, user: caller.id)
                return try HTTPIO.json(try await store.transition(step, race: id, caller: caller.id))
            }
        }
        users.post(RouterPath(HubPaths.racePattern("cast-join"))) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(try await store.castJoin(race: id, caller: caller.id))
        }
        users.post(RouterPath(HubPaths.racePattern("cast-leave"))) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(try await store.castLeave(race: id, caller: caller.id))
        }
        users.post(RouterPath(HubPaths.racePattern("casters"))) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            let login = try await HTTPIO.body(LoginBody.self, request, context).login()
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(try await store.addCaster(race: id, caller: caller.id, login: login))
        }
        users.delete(RouterPath(HubPaths.participantPattern)) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            let participantID = try HTTPIO.uuid(context, "participant_id")
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(
                try await store.removeParticipant(race: id, caller: caller.id, participantID: participantID))
        }
        users.delete(RouterPath(HubPaths.casterPattern)) { request, context in
            let caller = try context.caller()
            let id = try HTTPIO.uuid(context, "race_id")
            let casterID = try HTTPIO.uuid(context, "caster_id")
            try quota.take(ops: 1, user: caller.id)
            return try HTTPIO.json(try await store.removeCaster(race: id, caller: caller.id, casterID: casterID))
        }
    }
}
