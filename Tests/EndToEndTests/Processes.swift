import ChildProcesses
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs the built `syncd` and `racecli` binaries as real processes.
enum Binaries {
    /// The folder holding the test bundle, which is also where SwiftPM put the executables.
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["RACESYNC_BIN_DIR"] { return dir }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (exe as NSString).deletingLastPathComponent
    }()

    static func path(_ name: String) -> String { directory + "/" + name }
}

/// The outcome of a finished command.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
}

/// A temporary folder with helpers to run commands inside it.
final class Sandbox: @unchecked Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "racesync-e2e-" + UUID().uuidString.prefix(8)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// The environment children get: XDG data dir inside the sandbox, no proxies.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["XDG_DATA_HOME"] = path + "/xdg"
        env["HOME"] = path
        env.removeValue(forKey: "RACECLI_DB")
        env["LOG_LEVEL"] = "info"
        return env
    }

    /// Runs a binary to completion (killed after `timeout`).
    @discardableResult
    func run(
        _ binary: String, _ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil,
        timeout: TimeInterval = 60
    ) throws -> CommandResult {
        let out = file(".out-\(UUID().uuidString)")
        let err = file(".err-\(UUID().uuidString)")
        var input = "/dev/null"
        if let stdin {
            input = file(".in-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: input, contents: Data(stdin.utf8))
        }
        defer {
            for path in [out, err] + (stdin == nil ? [] : [input]) { try? FileManager.default.removeItem(atPath: path) }
        }
        let process = try ChildProcess(
            binary.hasPrefix("/") ? binary : Binaries.path(binary), arguments,
            environment: environment.merging(extra) { $1 }, directory: path, stdin: input, stdout: out, stderr: err)
        let status = process.wait(timeout: timeout) ?? process.stop(grace: 5)
        return CommandResult(
            status: status,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}

/// A long-running child process (hub or node daemon) with its stdout and stderr in one file.
final class Daemon: @unchecked Sendable {
    let process: ChildProcess
    let logPath: String

    init(_ binary: String, _ arguments: [String], in sandbox: Sandbox, env extra: [String: String] = [:]) throws {
        logPath = sandbox.file("\(binary)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process = try ChildProcess(
            Binaries.path(binary), arguments, environment: sandbox.environment.merging(extra) { $1 },
            stdout: logPath, stderr: logPath)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text` (or the process exits, or time runs out).
    func waitForLog(_ text: String, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Sends SIGTERM and waits for the exit status (SIGKILL after `timeout`).
    func stop(timeout: TimeInterval = 20) -> Int32 { process.stop(grace: timeout) }

    /// Kills the process with SIGKILL and waits for it to be gone.
    func kill9() {
        process.send(SIGKILL)
        process.waitForExit()
    }
}

/// A hub process on a free loopback port.
final class HubProcess: @unchecked Sendable {
    /// For load tests: no per-user write limits (`0` turns them off).
    static let unlimited = ["--max-ops-per-minute", "0", "--max-races-per-day", "0"]

    let daemon: Daemon
    let port: Int
    let db: String

    init(in sandbox: Sandbox, db: String? = nil, port: Int = 0, extra: [String] = [], env: [String: String] = [:])
        throws
    {
        let db = db ?? sandbox.file("hub.sqlite")
        self.db = db
        daemon = try Daemon("syncd", ["hub", "--db", db, "--port", String(port)] + extra, in: sandbox, env: env)
        // The hub's own line (with public_url), not a listener's (the metrics one may start first).
        guard daemon.waitForLog("public_url=") else { throw HarnessError("hub did not start:\n\(daemon.log)") }
        let line = daemon.log.split(separator: "\n").first { $0.contains("public_url=") } ?? ""
        guard let range = line.range(of: "127.0.0.1:"),
            let parsed = Int(line[range.upperBound...].prefix { $0.isNumber })
        else {
            throw HarnessError("no port in: \(line)")
        }
        self.port = parsed
    }

    var url: String { "http://127.0.0.1:\(port)" }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Minimal blocking HTTP for tests.
enum HTTP {
    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String] = [:]
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    static func send(_ method: String, _ url: String, token: String? = nil, json: Any? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)".lowercased()] = "\(value)" }
        return Reply(status: http?.statusCode ?? 0, body: data, headers: headers)
    }

    /// `send`, repeated while the hub answers `503` (its store away: after a failover, or on a
    /// loaded machine right after it started), for up to `seconds`; the last answer.
    static func sendWhileUnavailable(
        _ method: String, _ url: String, token: String? = nil, seconds: Int = 60
    ) async throws -> Reply {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let reply = try await send(method, url, token: token)
            if reply.status != 503 || ContinuousClock.now > deadline { return reply }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
