public import Hummingbird

/// Runs a test server's router on a free loopback port: the stand-ins (fake Twitch, WebSub
/// subscribers) of the tests and benchmarks.
public enum LoopbackServer {
    /// Starts `router` on 127.0.0.1 and returns once it listens: its port, and the task running
    /// it (cancel it to stop the server).
    public static func start(_ router: Router<BasicRequestContext>) async -> (port: Int, task: Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.run() }
        var bound = 0
        for await port in stream {
            bound = port
            break
        }
        return (bound, task)
    }
}
