import Foundation
public import Logging
public import RaceService
public import ServiceLifecycle
import SyncCore

/// Keeps `--feed-dir` in step with the data: exports at start, then after every commit that
/// may change a feed's bytes (a race created, started or finished, a member added or removed,
/// a live change), debounced so a burst of writes costs one export, within `debounce` of the
/// last. Runs whether Twitch is configured or not. A failed export is logged and retried on
/// the next change; it never stops the hub.
public struct FeedExportService: Service {
    public let exporter: FeedExporter
    public let signal: ChangeSignal
    public var debounce: Duration
    public let logger: Logger

    public init(exporter: FeedExporter, signal: ChangeSignal, debounce: Duration = .milliseconds(250), logger: Logger) {
        self.exporter = exporter
        self.signal = signal
        self.debounce = debounce
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen = signal.generation
            await exportOnce()
            while !Task.isCancelled {
                await signal.wait(since: seen, timeout: .seconds(60))
                guard signal.generation != seen else { continue }
                try? await Task.sleep(for: debounce)
                if Task.isCancelled { break }
                seen = signal.generation
                await exportOnce()
            }
        }
    }

    /// One export on the blocking-work pool (it writes and fsyncs files).
    func exportOnce() async {
        let exporter = self.exporter
        do {
            let files = try await exporter.export()
            logger.debug("feeds exported", metadata: ["files": "\(files)", "dir": "\(exporter.directory)"])
        } catch {
            logger.error("feed export failed; will retry on the next change", metadata: ["error": "\(error)"])
        }
    }
}
