import Foundation
import Logging

/// Logs go to stderr; `LOG_LEVEL` (trace, debug, info, notice, warning, error) sets the level.
enum LogSetup {
    /// The level `LOG_LEVEL` names, `info` unless it names one.
    static var level: Logger.Level {
        ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    static func bootstrap() {
        let level = level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
