import Foundation
import TestSupport
import Testing

@testable import SyncNode
@testable import SyncStore

/// Files and sockets are created with their final permissions, never chmod'ed after the fact
/// through a path, and never through a link planted where they go.
@Suite struct FileModeTests {
    func mode(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_mode & 0o777) : nil
    }

    @Test func theWakeSocketLivesInAnOwnerOnlyFolder() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let replica = dir.file("replica.sqlite")
        let listener = try #require(LocalWakeListener(replica: replica))
        let folder = (listener.path as NSString).deletingLastPathComponent
        #expect(folder == replica + ".wake")
        #expect(mode(folder) == 0o700)
        LocalWake.poke(replica: replica)
        listener.stop()
        #expect(mode(folder) == nil, "the folder is removed with the socket")
    }

    @Test func aWakeFolderOthersCanEnterOrALinkIsNotUsed() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let open = dir.file("a.sqlite")
        mkdir(open + ".wake", 0o755)
        chmod(open + ".wake", 0o755)
        #expect(LocalWakeListener(replica: open) == nil)
        let linked = dir.file("b.sqlite")
        mkdir(dir.file("elsewhere"), 0o700)
        symlink(dir.file("elsewhere"), linked + ".wake")
        #expect(LocalWakeListener(replica: linked) == nil)
    }

    @Test func aStoreIsNeverCreatedThroughAPlantedLink() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let target = dir.file("victim")
        let path = dir.file("replica.sqlite")
        symlink(target, path)
        #expect(throws: StoreOpenError.self) { try ReplicaStore(path: path) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
