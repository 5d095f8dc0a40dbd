#if PostgreSQL
    import HubHTTP
    import ServiceLifecycle
    import SyncPostgres
    import SyncTwitch

    /// The jobs that run on one hub instance at a time (the Twitch poller, the feed export, WebSub
    /// deliveries), run whenever this instance holds leadership; the export starts once the port is known.
    struct LeaderJobsService: Service {
        let leadership: PostgresLeadership
        let twitch: TwitchJobs?
        let webSub: WebSubHub
        let exportStarts: AsyncStream<FeedExportService>?

        func run() async throws {
            await cancelWhenGracefulShutdown {
                var export: FeedExportService?
                if let exportStarts {
                    export = await exportStarts.first { _ in true }
                    guard export != nil else { return }
                }
                await leadership.whileLeader { [twitch, export, webSub] in
                    await withTaskGroup(of: Void.self) { group in
                        if let twitch { group.addTask { await twitch.run() } }
                        group.addTask { await webSub.runDeliveries() }
                        if let export { group.addTask { try? await export.run() } }
                    }
                }
            }
        }
    }
#endif
