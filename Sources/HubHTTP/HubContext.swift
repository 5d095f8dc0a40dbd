import Hummingbird

/// The request context of the hub's router.
public struct HubContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies over 1 MiB are refused with 413 (a push of 1000 ops fits).
    public var maxUploadSize: Int { 1 << 20 }
}
