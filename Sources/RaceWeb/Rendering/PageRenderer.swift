import Foundation
import Mustache

/// Renders the pages from the mustache templates shipped as resources (`Resources/templates`).
/// `{{name}}` escapes HTML; no template uses the unescaped forms, so whatever a user or Twitch
/// puts in a name or title is shown as text.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// The templates of this module's resource bundle, loaded once.
    public static let standard: PageRenderer = {
        do { return try PageRenderer(directory: WebResources.folder("templates")) } catch {
            fatalError("RaceWeb's templates are missing or do not parse: \(error)")
        }
    }()

    /// Loads every `*.mustache` file of `directory`, named by its file name.
    public init(directory: URL) throws {
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// A whole race page.
    public func racePage(_ model: RacePageModel) -> String { render(model, "race") }
    /// The live part of a race page: what its event stream replaces.
    public func raceBody(_ model: RacePageModel) -> String { render(model, "race-body") }
    /// The whole front page.
    public func frontPage(_ model: FrontPageModel) -> String { render(model, "front") }
    /// The live part of the front page.
    public func frontBody(_ model: FrontPageModel) -> String { render(model, "front-body") }
    /// An error page ("Race not found").
    public func errorPage(_ error: WebPageError) -> String { render(ErrorPageModel(error), "error") }

    private func render(_ object: Any, _ template: String) -> String {
        library.render(object, withTemplate: template) ?? "<!doctype html><title>RaceSync</title><p>template \(template) is missing</p>"
    }
}

/// The values of the error page.
struct ErrorPageModel {
    var title: String
    var heading: String
    var detail: String
    var feedAtom = "/feeds/live.atom"
    var feedRSS = "/feeds/live.rss"

    init(_ error: WebPageError) {
        heading = error.heading
        detail = error.detail
        title = "\(error.heading) — RaceSync"
    }
}

/// The module's resource folders.
public enum WebResources {
    /// A folder of the resource bundle (`templates`, `static`).
    public static func folder(_ name: String) -> URL {
        Bundle.module.resourceURL?.appendingPathComponent(name) ?? Bundle.module.bundleURL.appendingPathComponent(name)
    }
}
