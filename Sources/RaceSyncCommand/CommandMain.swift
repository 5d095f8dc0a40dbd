public import ArgumentParser
import Foundation

/// The `main` both executables share: parse, run, and exit by the `CommandFailure` table.
/// Help and version print and exit 0 (also when a command with subcommands runs alone);
/// a usage error prints ArgumentParser's message and exits 2; a `CommandFailure` exits with
/// its code; anything else exits 1. `report` writes to standard error (racecli passes one that
/// replaces control characters).
public enum CommandMain {
    public static func run<Root: AsyncParsableCommand>(
        _ root: Root.Type, name: String, report: @Sendable (String) -> Void
    ) async -> Never {
        let command: any ParsableCommand
        do {
            command = try root.parseAsRoot()
        } catch {
            if root.exitCode(for: error) == .success { root.exit(withError: error) }
            report(root.fullMessage(for: error))
            Foundation.exit(2)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            Foundation.exit(0)
        } catch let failure as CommandFailure {
            report("\(name): \(failure.message)")
            Foundation.exit(failure.code)
        } catch let error as ValidationError {
            report("\(name): \(error.message)")
            Foundation.exit(2)
        } catch {
            // A command with subcommands run alone asks for its help this way.
            if root.exitCode(for: error) == .success { root.exit(withError: error) }
            report("\(name): \(error)")
            Foundation.exit(1)
        }
    }
}
