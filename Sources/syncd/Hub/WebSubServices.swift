import HubHTTP
import ServiceLifecycle

/// Verifies WebSub subscribers' intent (every instance verifies what it was asked).
struct WebSubVerificationService: Service {
    let hub: WebSubHub

    func run() async throws {
        await cancelWhenGracefulShutdown { await hub.runVerifications() }
    }
}

/// Delivers WebSub pushes (on SQLite the one hub; on PostgreSQL the leader runs it instead).
struct WebSubDeliveryService: Service {
    let hub: WebSubHub

    func run() async throws {
        await cancelWhenGracefulShutdown { await hub.runDeliveries() }
    }
}
