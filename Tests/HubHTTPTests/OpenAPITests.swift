import Foundation
import Hummingbird
import SyncCore
import SyncStore
import SyncTwitch
import Testing

@testable import HubHTTP

@Suite struct OpenAPITests {
    static let yamlFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Sources/HubHTTP/Resources/openapi.yaml")

    /// "METHOD /path/{param}" for every operation in the document.
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let method = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "post", "put", "delete", "head", "patch"].contains(method) {
                    operations.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let hub = try await HubHarness(users: [])
        let (webSub, transport) = WebSubRouteTests.webSub(hub)
        defer { Task { try await transport.shutdown() } }
        let router = HubServer.router(
            store: hub.storage, metrics: hub.metrics, feeds: FeedCache(store: hub.storage, baseURL: "http://x"),
            publicURL: "http://x",
            twitch: TwitchHooks(signIn: StubTwitchSignIn(), eventSubSecret: try EventSubSecret("0123456789")),
            webSub: webSub)
        let routed = Set(
            router.routes.map { route -> String in
                let path = "\(route.path)".split(separator: "/").map {
                    $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
                }.joined(separator: "/")
                return "\(route.method) /\(path)"
            })
        let documented = Self.documentedOperations(try String(contentsOf: Self.yamlFile, encoding: .utf8))
        #expect(routed.count > 20)
        #expect(routed.subtracting(documented).isEmpty, "undocumented: \(routed.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routed).isEmpty,
            "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test func theServedDocumentIsTheOneInTheSources() async throws {
        let hub = try await HubHarness(users: [])
        try await hub.run { c in
            let reply = try await c.call(.get, "/openapi.yaml")
            #expect(reply.status == 200 && reply.text.hasPrefix("openapi: 3.1.0"))
            #expect(reply.text == (try String(contentsOf: Self.yamlFile, encoding: .utf8)))
        }
    }
}
