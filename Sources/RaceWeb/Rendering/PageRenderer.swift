import Foundation
import Mustache

/// Renders the pages from the mustache templates shipped as resources (`Resources/templates`).
/// Every template declares the `CodePointHTML` content type, so `{{name}}` escapes per UTF-8 byte
/// (`HTMLText`), and none may use the unescaped forms: whatever a user or Twitch puts in a name
/// or title is shown as text, whatever graphemes it hides a `<` in.
public struct PageRenderer: Sendable {
    /// Why a template was refused.
    public struct UnsafeTemplate: Error, CustomStringConvertible {
        public var description: String
    }

    private let library: MustacheLibrary

    /// The templates of `Resources/templates`, embedded in the code (`PackageResources`), by name.
    static let embedded: [String: [UInt8]] = [
        "error": PackageResources.error_mustache, "foot": PackageResources.foot_mustache,
        "front-body": PackageResources.front_body_mustache, "front": PackageResources.front_mustache,
        "head": PackageResources.head_mustache, "member": PackageResources.member_mustache,
        "race-body": PackageResources.race_body_mustache, "race": PackageResources.race_mustache,
        "status": PackageResources.status_mustache, "login": PackageResources.login_mustache,
        "new-race": PackageResources.new_race_mustache, "tokens": PackageResources.tokens_mustache,
        "device": PackageResources.device_mustache, "overlay": PackageResources.overlay_mustache,
    ]

    /// The embedded templates, parsed once (a test parses them all, so this cannot fail in a build that passed).
    public static let standard: PageRenderer = {
        do { return try PageRenderer(templates: embedded.mapValues { String(decoding: $0, as: UTF8.self) }) } catch {
            fatalError("RaceWeb's templates do not parse: \(error)")
        }
    }()

    /// Parses `templates` (name → text), each checked for the escaping rules (`checkEscaping`).
    public init(templates: [String: String]) throws {
        MustacheContentTypes.register(CodePointHTML(), named: CodePointHTML.name)
        var library = MustacheLibrary()
        for (name, text) in templates {
            try Self.checkEscaping(text, file: name + ".mustache")
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// A template must begin with the `CodePointHTML` pragma (partials do not inherit it) and
    /// must not use the tags that write data unescaped.
    static func checkEscaping(_ text: String, file: String) throws {
        guard text.hasPrefix(CodePointHTML.pragma + "\n") else {
            throw UnsafeTemplate(description: "\(file): the first line must be \(CodePointHTML.pragma)")
        }
        for unescaped in ["{{{", "{{&", "{{ &"] where text.contains(unescaped) {
            throw UnsafeTemplate(description: "\(file): '\(unescaped)' writes data unescaped")
        }
    }

    /// A whole race page.
    public func racePage(_ model: RacePageModel) -> String { render(model, "race") }
    /// The live part of a race page: what its event stream replaces.
    public func raceBody(_ model: RacePageModel) -> String { render(model, "race-body") }
    /// The whole front page.
    public func frontPage(_ model: FrontPageModel) -> String { render(model, "front") }
    /// The live part of the front page.
    public func frontBody(_ model: FrontPageModel) -> String { render(model, "front-body") }
    /// The hub's login page.
    public func loginPage(_ model: LoginPageModel) -> String { render(model, "login") }
    /// The hub's New race page.
    public func newRacePage(_ model: NewRacePageModel) -> String { render(model, "new-race") }
    /// The signed-in user's API tokens page.
    public func tokensPage(_ model: TokensPageModel) -> String { render(model, "tokens") }
    /// The device login's verification page.
    public func devicePage(_ model: DevicePageModel) -> String { render(model, "device") }
    /// A race's OBS overlay.
    public func overlayPage(_ model: OverlayPageModel) -> String { render(model, "overlay") }
    /// An error page ("Race not found").
    public func errorPage(_ error: WebPageError) -> String { render(ErrorPageModel(error), "error") }

    private func render(_ object: Any, _ template: String) -> String {
        library.render(object, withTemplate: template)
            ?? "<!doctype html><title>RaceSync</title><p>template \(template) is missing</p>"
    }
}

/// The values of the error page.
struct ErrorPageModel {
    var title: String
    var heading: String
    var detail: String
    var feedAtom = "/feeds/live.atom"
    var feedJSON = "/feeds/live.json"
    var feedRSS = "/feeds/live.rss"

    init(_ error: WebPageError) {
        heading = error.heading
        detail = error.detail
        title = "\(error.heading) — RaceSync"
    }
}
