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

    /// The templates of this module's resource bundle, loaded once.
    public static let standard: PageRenderer = {
        do { return try PageRenderer(directory: WebResources.folder("templates")) } catch {
            fatalError("RaceWeb's templates are missing or do not parse: \(error)")
        }
    }()

    /// Loads every `*.mustache` file of `directory`, named by its file name.
    public init(directory: URL) throws {
        MustacheContentTypes.register(CodePointHTML(), named: CodePointHTML.name)
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try Self.checkEscaping(text, file: file)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
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

/// Where the templates and static files are: the resource bundle SwiftPM puts beside the
/// executable (`RaceSync_RaceWeb.resources`, which must be copied along with a copied binary),
/// or `RACESYNC_WEB_RESOURCES`, or the source tree of a checkout. Looked up by hand rather than
/// with `Bundle.module`, whose accessor stops the process when the bundle is missing: a hub must
/// refuse to start with a clear message instead, never crash on its first page.
public enum WebResources {
    public struct Missing: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "the web pages' templates are missing: looked in \(searched.joined(separator: ", ")); "
                + "copy RaceSync_RaceWeb.resources from the build folder next to the executable, or set RACESYNC_WEB_RESOURCES"
        }
    }

    /// The resource folder, found once.
    public static let root: Result<URL, Missing> = locate()

    /// Fails with a clear message when the resources cannot be found (call at startup).
    public static func check() throws {
        _ = try root.get()
        _ = PageRenderer.standard
    }

    /// A folder of the resources (`templates`, `static`).
    public static func folder(_ name: String) -> URL {
        switch root {
        case .success(let url): return url.appendingPathComponent(name)
        case .failure(let missing): fatalError(missing.description)
        }
    }

    static func locate() -> Result<URL, Missing> {
        var candidates: [URL] = []
        if let given = ProcessInfo.processInfo.environment["RACESYNC_WEB_RESOURCES"], !given.isEmpty {
            candidates.append(URL(fileURLWithPath: given))
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let folder = executable.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("RaceSync_RaceWeb.resources"))
            // A test bundle runs from inside `.xctest/...`; its resources sit beside the bundle.
            candidates.append(folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("RaceSync_RaceWeb.resources"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("templates/race.mustache").path) {
            return .success(candidate)
        }
        return .failure(Missing(searched: candidates.map(\.path)))
    }
}
