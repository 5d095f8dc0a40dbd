import Foundation

/// The process's open-file limit, which bounds how many connections the hub can hold.
enum FileLimit {
    /// Raises the soft limit to the hard one and returns the connection cap that leaves room
    /// for the store, logs and feed export: at most 4096, at least 64.
    static func connectionCap() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let usable = Int(clamping: limit.rlim_cur) - 256
        return min(4096, max(64, usable))
    }
}
