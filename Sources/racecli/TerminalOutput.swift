import Foundation
import SyncCore
import SyncNode
import SyncStore

/// Every line `racecli` writes to stdout goes through this `print`, which shadows the standard
/// library's inside this module: control characters from stored or pulled text (race names,
/// display names, stream titles, the hub's reasons) are replaced, so no data can send escape
/// sequences to someone's terminal. Line feeds that separate lines stay.
func print(_ text: String, terminator: String = "\n") {
    Swift.print(DisplayText.terminalSafe(text, keepNewlines: true), terminator: terminator)
}

/// The same for standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((DisplayText.terminalSafe(text, keepNewlines: true) + "\n").utf8))
}
