// swift-tools-version:6.1
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "RaceSync",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SyncCore", targets: ["SyncCore"]),
        .executable(name: "syncd", targets: ["syncd"]),
        .executable(name: "racecli", targets: ["racecli"]),
    ],
    // PostgreSQL is on by default; `make run` leaves it out (`--disable-default-traits`) to build
    // its SQLite hub sooner: postgres-nio and the TLS library it brings are then not compiled.
    traits: [
        .trait(name: "PostgreSQL", description: "The hub's PostgreSQL backend (`syncd hub --database postgres://…`)."),
        .default(enabledTraits: ["PostgreSQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // The pure core: model, clock, rules, LWW merge, wire types, feed rendering.
        // Foundation only: no database, network, HTTP or crypto library.
        .target(name: "SyncCore", swiftSettings: strict),
        // The hub's use cases, each written once for every database (`Hub`), over the seam a
        // database implements with SQL only (`HubBackend`, `HubTransaction`); the views every
        // store shares (race detail, pages, feeds) and the change signal. No database library.
        .target(
            name: "RaceService",
            dependencies: ["SyncCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // SQLite (GRDB): the hub's backend, the node's replica, migrations, snapshot files.
        .target(
            name: "SyncStore",
            dependencies: [
                "SyncCore", "RaceService",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // PostgreSQL (postgres-nio): the hub's backend for several hub instances sharing one
        // database, with cross-instance wake-ups and one poller leader.
        .target(
            name: "SyncPostgres",
            dependencies: [
                "SyncCore", "RaceService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The outbound HTTP client of the hub and the node (to the hub, Twitch, WebSub
        // subscribers): URLSession, i.e. libcurl with the system's TLS; why a call got no answer,
        // classified by its error code.
        .target(name: "OutboundHTTP", dependencies: ["SyncCore"], swiftSettings: strict),
        // A node's side of sync: the hub client, sync rounds, the daemon loop.
        .target(
            name: "SyncNode",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "OutboundHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Twitch: app token, Helix client, live poller (behind a store protocol).
        .target(
            name: "SyncTwitch",
            dependencies: [
                "SyncCore", "OutboundHTTP",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HubHTTP",
            dependencies: [
                "SyncCore", "RaceService", "RaceWeb", "OutboundHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            // The OpenAPI document served at /openapi.yaml, embedded in the code: one file, edited in place.
            resources: [.embedInCode("Resources/openapi.yaml")],
            swiftSettings: strict
        ),
        // The web pages both servers show: view models, mustache templates, stylesheet and
        // script (resources), Server-Sent Events. The hub serves them read-only, the node with
        // the caster's controls.
        .target(
            name: "RaceWeb",
            dependencies: [
                "SyncCore", "RaceService",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // Embedded in the code (`PackageResources`): one static binary carries its pages.
            resources: [.embedInCode("Resources/templates"), .embedInCode("Resources/static")],
            swiftSettings: strict
        ),
        // The node's private web server: the race pages from the replica, with the caster's
        // forms (same-origin and per-session token checks).
        .target(
            name: "NodeWeb",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncNode", "RaceWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What both executables share: the exit-code table and `main`.
        .target(
            name: "RaceSyncCommand",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "syncd",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncNode", "SyncTwitch", "HubHTTP", "NodeWeb",
                "RaceSyncCommand", "OutboundHTTP",
                .target(name: "SyncPostgres", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "racecli",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncNode", "RaceSyncCommand",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "racesync-bench",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncPostgres", "SyncNode", "SyncTwitch", "HubHTTP",
                "FakeHelix", "OutboundHTTP",
                "ChildProcesses",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RaceSyncBench",
            swiftSettings: strict
        ),
        // Each test target tests its own module; fixtures shared by several live in support targets.
        .testTarget(
            name: "SyncCoreTests",
            dependencies: [
                "SyncCore", "TestSupport", "ChildProcesses",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SyncStoreTests",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "TestSupport", "StoreTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SyncNodeTests",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncNode", "TestSupport", "StoreTestSupport",
                "ChildProcesses",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OutboundHTTPTests", dependencies: ["OutboundHTTP", "SyncCore", "TestSupport"],
            swiftSettings: strict),
        // A temporary folder, a seeded random generator and a raw TCP peer (Foundation only).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        // A hub store on a temporary file with a hand-moved clock.
        .target(
            name: "StoreTestSupport", dependencies: ["SyncCore", "RaceService", "SyncStore", "TestSupport"],
            path: "Tests/StoreTestSupport", swiftSettings: strict),
        .testTarget(
            name: "HubHTTPTests",
            dependencies: [
                "HubHTTP", "RaceWeb", "NodeWeb", "SyncCore", "RaceService", "SyncStore", "SyncNode", "SyncTwitch",
                "TestSupport", "FakeHelix",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "FakeHelix",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/FakeHelix",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TwitchTests",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncTwitch", "FakeHelix",
                "OutboundHTTP",
            ],
            swiftSettings: strict
        ),
        // One store conformance suite run against both backends, and PostgreSQL's own
        // guarantees (ordering, several instances, failover, restarts).
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncPostgres", "PostgresTestSupport", "StoreTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // Child processes of the tests, started and watched safely from parallel tests.
        .target(name: "ChildProcesses", path: "Tests/ChildProcesses", swiftSettings: strict),
        // The test PostgreSQL server: fresh databases, private clusters for the fault tests.
        .target(
            name: "PostgresTestSupport", dependencies: ["ChildProcesses"], path: "Tests/PostgresTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SyncCore", "RaceService", "SyncStore", "SyncNode", "FakeHelix", "PostgresTestSupport",
                "ChildProcesses", "TestSupport",
            ],
            swiftSettings: strict
        ),
    ]
)

// libFuzzer targets, only when asked for (`make fuzz-native`): they are built with
// `-sanitize=fuzzer,address -parse-as-library`; each hands its entry point to libFuzzer (FuzzSupport).
if ProcessInfo.processInfo.environment["RACESYNC_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Support", swiftSettings: strict))
    for (name, folder, module) in [
        ("fuzz-parsers", "Parsers", "RaceWeb"), ("fuzz-push-decoder", "PushDecoder", "SyncCore"),
        ("fuzz-helix-decoder", "HelixDecoder", "SyncTwitch"), ("fuzz-feed-roundtrip", "FeedRoundTrip", "SyncCore"),
        ("fuzz-page-renderer", "PageRenderer", "RaceWeb"),
    ] {
        let dependencies: [Target.Dependency] = ["SyncCore", "FuzzSupport", .byName(name: module)]
        package.targets.append(
            .executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(folder)", swiftSettings: strict))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
