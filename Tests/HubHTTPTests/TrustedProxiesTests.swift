import Testing

@testable import HubHTTP

/// `--trusted-proxy`: networks, and which address of `X-Forwarded-For` is the client.
@Suite struct TrustedProxiesTests {
    @Test func networksMatchTheirAddressesOnly() throws {
        let eight = try #require(IPNetwork("10.0.0.0/8"))
        #expect(eight.contains("10.200.3.4") && !eight.contains("11.0.0.1") && !eight.contains("not an ip"))
        let one = try #require(IPNetwork("127.0.0.1"))
        #expect(one.contains("127.0.0.1") && !one.contains("127.0.0.2"))
        let v6 = try #require(IPNetwork("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::5") && !v6.contains("2001:db9::1") && !v6.contains("10.0.0.1"))
        #expect(IPNetwork("::1/128")?.contains("::1") == true)
        for bad in ["10.0.0.0/33", "::/129", "example.org/8", "10.0.0.0/-1", "10.0.0.0/x", ""] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func theClientIsTheNearestUntrustedHop() throws {
        let proxies = TrustedProxies([try #require(IPNetwork("10.0.0.0/8"))])
        // An untrusted peer's header is ignored.
        #expect(proxies.client(peer: "203.0.113.7", forwardedFor: ["198.51.100.1"]) == "203.0.113.7")
        // A trusted peer: the rightmost address that is not a proxy of ours.
        #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["1.1.1.1, 198.51.100.1, 10.0.0.9"]) == "198.51.100.1")
        #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["1.1.1.1", "198.51.100.1"]) == "198.51.100.1")
        // No header, garbage, or only proxies: the nearest address known.
        #expect(proxies.client(peer: "10.0.0.2", forwardedFor: []) == "10.0.0.2")
        #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["garbage"]) == "10.0.0.2")
        #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["10.0.0.3"]) == "10.0.0.3")
        #expect(TrustedProxies().client(peer: "10.0.0.2", forwardedFor: ["1.2.3.4"]) == "10.0.0.2")
    }
}
