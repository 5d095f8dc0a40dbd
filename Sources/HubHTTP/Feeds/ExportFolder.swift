import Foundation

/// A folder of the feed export, held open as a directory descriptor: every file operation is
/// relative to it (`openat`, `renameat`, `unlinkat`, `mkdirat`) and never follows a link, so
/// swapping a folder for a symbolic link between a check and a write cannot redirect the export.
final class ExportFolder {
    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// The export's root folder (created when missing). The operator chose this path, so it
    /// may itself be a link; nothing under it is followed.
    static func root(_ path: String) throws -> ExportFolder {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FeedExporter.ExportError(path: path, errno: errno) }
        return ExportFolder(path: path, fd: fd)
    }

    /// The folder `name` inside this one, created when missing; a link there is refused.
    func folder(_ name: String) throws -> ExportFolder {
        let full = path + "/" + name
        if mkdirat(fd, name, 0o755) != 0, errno != EEXIST { throw FeedExporter.ExportError(path: full, errno: errno) }
        let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else {
            if errno == ELOOP {
                throw FeedExporter.ExportError(
                    path: full, reason: "is a symbolic link; the feed export does not follow links")
            }
            if errno == ENOTDIR { throw FeedExporter.ExportError(path: full, reason: "is not a directory") }
            throw FeedExporter.ExportError(path: full, errno: errno)
        }
        return ExportFolder(path: full, fd: child)
    }

    /// The folder `name` if it is a real folder (not a link), else nil; nothing is created.
    func existingFolder(_ name: String) -> ExportFolder? {
        let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        return child >= 0 ? ExportFolder(path: path + "/" + name, fd: child) : nil
    }

    /// Whether `name` is a regular file here (a link is not).
    func hasFile(_ name: String) -> Bool {
        var info = stat()
        return fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Writes `name` atomically: a temporary file created exclusively (never through a link),
    /// written, fsynced and renamed over `name` (which replaces a link rather than writing
    /// through it), then the folder fsynced.
    func write(_ data: Data, to name: String) throws {
        let temp = ".\(name).\(UUID().uuidString.prefix(8)).tmp"
        let file = openat(fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw FeedExporter.ExportError(path: path + "/" + temp, errno: errno) }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(file, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(file) == 0
        close(file)
        guard ok, renameat(fd, temp, fd, name) == 0 else {
            let code = errno
            unlinkat(fd, temp, 0)
            throw FeedExporter.ExportError(path: path + "/" + name, errno: code)
        }
        fsync(fd)
    }

    /// Removes the file `name` (not a folder).
    func removeFile(_ name: String) { unlinkat(fd, name, 0) }

    /// Removes the folder `name` if it is empty.
    func removeEmptyFolder(_ name: String) { unlinkat(fd, name, AT_REMOVEDIR) }

    /// The names in this folder.
    func entries() -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
