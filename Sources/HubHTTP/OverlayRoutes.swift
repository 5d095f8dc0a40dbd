import Foundation
import Hummingbird
import RaceService
import RaceWeb
import SyncCore

/// `GET /races/{id}/overlay[?show=participants|casters|all&text=light|dark]` (CONTRACT §9): the
/// OBS browser source of who is live now in a race, updating from `/api/races/{id}/events`.
struct OverlayRoutes {
    let store: Hub
    var renderer: PageRenderer { .standard }

    func register(on router: Router<HubContext>) {
        router.get(RouterPath(PagePaths.raceOverlayPattern)) { request, context in
            let id = try WebPageError.raceID(context.parameters)
            let query = request.uri.queryParameters
            guard let show = OverlayPageModel.Show(rawValue: query.get("show").map { String($0) } ?? "all"),
                let text = OverlayPageModel.Text(rawValue: query.get("text").map { String($0) } ?? "light")
            else {
                throw WebPageError(
                    .unprocessableContent, "Not an overlay option",
                    "show is participants, casters or all; text is light or dark.")
            }
            guard let detail = try await store.raceDetail(id) else { throw WebPageError.raceNotFound }
            return WebPage.html(renderer.overlayPage(OverlayPageModel(detail, show: show, text: text)))
        }
    }
}
