import FuzzSupport

@_cdecl("fuzz_feed_roundtrip_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzzFeedRoundTrip)
}
