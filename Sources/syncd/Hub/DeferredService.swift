import ServiceLifecycle

/// A service that is built only once a value it needs is known (the first element of
/// `starts`), then run until shutdown. Ends quietly if shutdown comes first.
struct DeferredService<Deferred: Service>: Service {
    let starts: AsyncStream<Deferred>

    init(_ starts: AsyncStream<Deferred>) { self.starts = starts }

    func run() async throws {
        let starts = self.starts
        guard let service = await cancelWhenGracefulShutdown({ await starts.first { _ in true } }) else { return }
        try await service.run()
    }
}
