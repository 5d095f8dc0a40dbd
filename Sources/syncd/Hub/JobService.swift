import ServiceLifecycle

/// One of the hub's background jobs (the Twitch jobs, the change listener, WebSub verification and
/// delivery) as a ServiceLifecycle service: it runs until graceful shutdown cancels it. Named in
/// the service group's logs by `description`.
struct JobService: Service, CustomStringConvertible {
    let description: String
    let job: @Sendable () async -> Void

    init(_ description: String, _ job: @escaping @Sendable () async -> Void) {
        self.description = description
        self.job = job
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await job() }
    }
}
