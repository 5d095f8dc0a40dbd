import ChildProcesses
import Foundation
import TestSupport
import Testing

@testable import SyncCore

/// Every rendered feed read by a real feed client: Python's feedparser for Atom and RSS, and for
/// JSON Feed (which feedparser does not read) the JSON Feed 1.1 schema with `jsonschema`; both
/// installed by `make test`.
@Suite struct FeedClientTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts")
    static func script(for format: FeedRenderer.Format) -> String {
        scripts.appendingPathComponent(format == .json ? "jsonfeedcheck.py" : "feedcheck.py").path
    }

    static var feedparserAvailable: Bool {
        (try? ChildProcess(
            "/usr/bin/env", ["python3", "-c", "import feedparser, jsonschema"], stderr: "/dev/null"
        ).waitForExit()) == 0
    }

    @Test(arguments: ["empty", "one", "several", "hostile"], FeedRenderer.Format.allCases)
    func feedparserReadsEveryFeedWithoutErrors(_ name: String, _ format: FeedRenderer.Format) throws {
        guard Self.feedparserAvailable else {
            // `make test` installs feedparser and sets this, so CI never skips the check.
            #expect(
                ProcessInfo.processInfo.environment["RACESYNC_REQUIRE_FEEDPARSER"] == nil, "feedparser is not installed"
            )
            return
        }
        let feed = try #require(FeedRendererTests.states.first { $0.name == name }?.feed)
        let dir = TempDir()
        defer { dir.cleanup() }
        let feedFile = dir.file("feed.xml")
        let specFile = dir.file("spec.json")
        try FeedRenderer.render(feed, as: format).write(to: URL(fileURLWithPath: feedFile))
        // XML cannot carry some characters (they are dropped there); JSON carries every one.
        func shown(_ text: String) -> String {
            format == .json ? text : text.unicodeScalars.filter(XMLText.isAllowed).map(String.init).joined()
        }
        let spec: [String: Any] = [
            "version": format == .atom ? "atom10" : "rss20", "title": feed.title, "hub": feed.hubURL ?? "",
            "items": feed.items.map { item in
                [
                    "id": item.id, "title": shown(item.title), "summary": shown(item.streamTitle),
                    "link": item.streamURL, "started_at": Int(item.startedAt.timeIntervalSince1970),
                ] as [String: Any]
            },
        ]
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specFile))
        let reportFile = dir.file("report.txt")
        let status = try ChildProcess(
            "/usr/bin/env", ["python3", Self.script(for: format), feedFile, specFile], stdout: reportFile
        )
        .waitForExit()
        let report = (try? String(contentsOfFile: reportFile, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(name).\(format.rawValue): \(report)")
    }
}
