import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A rendered feed's bytes in an anonymous in-memory file (`memfd_create`), so the fast path can
/// send them with `sendfile(2)`: the kernel hands the file's pages to the socket instead of
/// copying the body from the process for every answer (what nginx does with a static file).
///
/// NIO lets one `NIOFileHandle` be used by one thread at a time, so each event loop gets a
/// handle of its own (a `dup` of the file). A write keeps the file alive until it has gone out
/// (`keepAlive(until:)`), so its descriptors are never closed under a pending `sendfile`.
final class FeedBodyFile: Sendable {
    /// The body's length in bytes.
    let length: Int
    private let descriptor: CInt
    private let handles = Mutex<[ObjectIdentifier: NIOFileHandle]>([:])

    /// A file holding `body`; nil when the system cannot make one (the answer then sends the
    /// bytes from memory, as before).
    init?(_ body: ByteBuffer) {
        guard let descriptor = Self.anonymousFile() else { return nil }
        let written = body.withUnsafeReadableBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard written else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        length = body.readableBytes
    }

    /// A new in-memory file no other process can open: `memfd_create` (glibc 2.27+, which the
    /// Swift overlay does not export, looked up by name).
    private static func anonymousFile() -> CInt? {
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> CInt
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create") else { return nil }
        let closeOnExec: UInt32 = 1  // MFD_CLOEXEC
        let descriptor = unsafeBitCast(symbol, to: MemfdCreate.self)("racesync-feed", closeOnExec)
        return descriptor >= 0 ? descriptor : nil
    }

    deinit {
        for handle in handles.withLock({ Array($0.values) }) { try? handle.close() }
        close(descriptor)
    }

    /// The whole body as a region of this event loop's handle; nil if no handle could be made.
    func region(on loop: any EventLoop) -> FileRegion? {
        let key = ObjectIdentifier(loop)
        let handle = handles.withLock { handles -> NIOFileHandle? in
            if let handle = handles[key] { return handle }
            let copy = dup(descriptor)
            guard copy >= 0 else { return nil }
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: copy)
            handles[key] = handle
            return handle
        }
        return handle.map { FileRegion(fileHandle: $0, readerIndex: 0, endIndex: length) }
    }

    /// Keeps this file open until `written` completes (the write went out, or failed).
    func keepAlive(until written: EventLoopFuture<Void>) {
        written.whenComplete { _ in withExtendedLifetime(self) {} }
    }
}
