/// A short, human description of why a network call got no answer ("connection refused",
/// "timed out"), for messages and logs. The HTTP clients' errors print as long type dumps.
public enum TransportErrorText {
    public static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") { return "timed out" }
        if text.lowercased().contains("refused") { return "connection refused" }
        if text.contains("remoteConnectionClosed") { return "the connection was closed" }
        return text
    }
}
