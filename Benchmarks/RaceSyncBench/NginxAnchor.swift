import ChildProcesses
import Foundation

/// Debian's nginx serving fixed bytes on loopback: the anchor a user could put in front of the
/// hub's feeds (the same body from a file, and its gzip twin with `gzip_static`). Used only
/// when `/usr/sbin/nginx` is installed (`make bench` installs nginx-light).
final class NginxAnchor {
    static let binary = "/usr/sbin/nginx"
    let port: Int
    private let process: ChildProcess

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Serves `files` (name → bytes) under `/feeds/`; a name ending in `.gz` is the gzip twin
    /// nginx sends to clients accepting gzip.
    init(files: [String: Data], contentType: String, workers: Int = 2) throws {
        let prefix = workDir + "/nginx"
        let root = prefix + "/root"
        try? FileManager.default.removeItem(atPath: prefix)
        try FileManager.default.createDirectory(atPath: root + "/feeds", withIntermediateDirectories: true)
        for (name, bytes) in files { try bytes.write(to: URL(fileURLWithPath: root + "/feeds/" + name)) }
        port = Int.random(in: 40001...50000)
        // As close to the hub's work as nginx gets: no access log, keep-alive, sendfile.
        let config = """
            daemon off;
            worker_processes \(workers);
            user root root;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log error;
            events { worker_connections 1024; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 100000;
                types { }
                default_type \(contentType);
                gzip_static on;
                server {
                    listen 127.0.0.1:\(port);
                    root \(root);
                }
            }
            """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        process = try ChildProcess(
            Self.binary, ["-p", prefix, "-c", prefix + "/nginx.conf"], stderr: prefix + "/stderr.log")
        for _ in 0..<200 {
            if Shell.quietly("/usr/bin/curl", ["-sf", "-o", "/dev/null", url + "/feeds/" + files.keys.sorted()[0]]) == 0
            {
                return
            }
            usleep(25_000)
        }
        process.stop(grace: 2)
        throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "nginx did not start"])
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { _ = process.stop(grace: 5) }
}
