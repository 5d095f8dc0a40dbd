import Foundation
import Logging

/// Logs go to stderr; `LOG_LEVEL` (trace, debug, info, notice, warning, error) sets the level.
enum LogSetup {
    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
    }
}
