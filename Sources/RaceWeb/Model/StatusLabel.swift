import SyncCore

extension RaceStatus {
    /// "Setup", "Running" or "Finished", as pages show it.
    var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
