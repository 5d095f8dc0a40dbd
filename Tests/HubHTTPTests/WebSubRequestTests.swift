import Foundation
import RaceService
import SyncCore
import Testing

@testable import HubHTTP

/// The pure parts of the WebSub hub: the request's checks, topics, leases, the retry schedule
/// and which addresses a callback may not reach.
@Suite struct WebSubRequestTests {
    static let base = "https://races.example.org/"

    @Test func topicsAreTheHubsFeedURLsAndNothingElse() throws {
        let race = UUID()
        for format in FeedRenderer.Format.allCases {
            for scope in [FeedScope.all, .race(race)] {
                let url = WebSubTopic.url(scope, format, baseURL: Self.base)
                #expect(url.hasPrefix("https://races.example.org/feeds/"))
                let parsed = try #require(WebSubTopic.feed(url, baseURL: Self.base))
                #expect(parsed.0 == scope && parsed.1 == format)
            }
        }
        for topic in [
            "https://races.example.org/feeds/live.xml", "https://races.example.org/feeds/live",
            "https://other.example/feeds/live.atom", "https://races.example.org/feeds/races/not-a-uuid/live.atom",
            "https://races.example.org/feeds/races/\(race.lowercased)/live.atom?x=1",
            "https://races.example.org/feeds/races/\(race.lowercased)/extra/live.atom",
        ] {
            #expect(WebSubTopic.feed(topic, baseURL: Self.base) == nil, "\(topic)")
        }
    }

    @Test func callbacksMustBeAbsoluteHTTPURLsWithoutCredentials() {
        func host(_ url: String) -> String? {
            try? WebSubRequest.parse(
                mode: "subscribe", topic: Self.base + "feeds/live.atom", callback: url, leaseSeconds: nil,
                secret: nil, baseURL: Self.base
            ).get().callbackHost
        }
        #expect(host("https://Reader.Example/cb?id=1") == "reader.example")
        #expect(host("http://[2001:db8::1]:8080/cb") == "2001:db8::1")
        for bad in [
            "/relative", "ftp://x.example/", "https://u:p@x.example/", "https://x.example/#frag", "https:///nohost",
            "https://x.example/a b", "https://x.example/" + String(repeating: "a", count: 2048), "javascript:alert(1)",
        ] {
            #expect(host(bad) == nil, "\(bad)")
        }
    }

    @Test func leasesAreBoundedAndRetriesBackOffWithoutOverflow() {
        let policy = WebSubPolicy()
        #expect(policy.lease(requested: nil) == 864_000)
        #expect(policy.lease(requested: 1) == 60)
        #expect(policy.lease(requested: .max) == 30 * 86_400)
        #expect((1...5).map(policy.retryDelayMs(afterFailures:)) == [10_000, 20_000, 40_000, 80_000, 160_000])
        #expect(policy.retryDelayMs(afterFailures: 9) == 2_560_000)
        #expect(policy.retryDelayMs(afterFailures: 10) == 3_600_000)
        #expect(policy.retryDelayMs(afterFailures: .max) == 3_600_000)
        #expect(!policy.drops(afterFailures: 7) && policy.drops(afterFailures: 8))
        var huge = WebSubPolicy()
        huge.retryBaseMs = .max / 2
        huge.maxRetryDelayMs = .max
        #expect(huge.retryDelayMs(afterFailures: 5) == .max)
    }

    @Test func privateLoopbackAndLinkLocalAddressesAreRefusedUnlessAllowed() {
        let strict = CallbackAddresses(allowPrivate: false)
        for (address, kind) in [
            ("127.0.0.1", "loopback"), ("127.9.9.9", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
            ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("172.31.255.255", "private"),
            ("192.168.1.1", "private"), ("fd00::1", "private"), ("100.64.0.1", "private"),
            ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("224.0.0.1", "multicast"), ("255.255.255.255", "reserved"),
        ] {
            #expect(strict.refusal(address)?.contains(kind) == true, "\(address)")
        }
        for address in ["1.1.1.1", "172.32.0.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            #expect(strict.refusal(address) == nil, "\(address)")
        }
        #expect(CallbackAddresses(allowPrivate: true).refusal("127.0.0.1") == nil)
    }
}
