import NIOCore

/// A connection's deadline: when it passes, the connection is closed, unless it was cancelled
/// first. Set and cancelled on the channel's event loop, by the handler that owns it.
struct CloseDeadline {
    private var scheduled: Scheduled<Void>?

    /// Whether a deadline is set.
    var isSet: Bool { scheduled != nil }

    /// Closes the connection `context` belongs to `timeout` from now (replacing any deadline set).
    mutating func set(_ context: ChannelHandlerContext, in timeout: TimeAmount) {
        cancel()
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { context.close(promise: nil) }
    }

    mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
