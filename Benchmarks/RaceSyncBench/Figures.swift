import Foundation

/// One measured figure next to the baseline measured in the same run.
struct Figure: Codable {
    var name: String
    var value: Double
    var unit: String
    var baseline: Double?
    var baselineName: String?
    var note: String?

    /// value / baseline, the number we track.
    var ratio: Double? { baseline.flatMap { $0 == 0 ? nil : value / $0 } }
}

/// Collects figures, prints the table and writes `bench/results.json`.
final class Report {
    var figures: [Figure] = []

    func add(_ figure: Figure) {
        figures.append(figure)
        let baseline = figure.baseline.map { "  | baseline \(format($0)) (\(figure.baselineName ?? ""))" } ?? ""
        log("  \(figure.name): \(format(figure.value)) \(figure.unit)\(baseline)")
    }

    func printTable() {
        let rows = figures.map { f -> [String] in
            [
                f.name, "\(format(f.value)) \(f.unit)",
                f.baseline.map { "\(format($0)) \(f.baselineName ?? "")" } ?? "—",
                f.ratio.map { String(format: "%.2f", $0) } ?? "—", f.note ?? "",
            ]
        }
        let header = ["figure", "value", "baseline (same run)", "ratio", "note"]
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        for (index, row) in ([header] + rows).enumerated() {
            print(
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                    separator: " | "))
            if index == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")) }
        }
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        struct Output: Codable {
            var date: String
            var machine: String
            var figures: [Figure]
        }
        let machine =
            "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
        try encoder.encode(
            Output(date: ISO8601DateFormatter().string(from: Date()), machine: machine, figures: figures)
        )
        .write(to: URL(fileURLWithPath: path))
    }
}

func format(_ value: Double) -> String {
    if value >= 100 { return String(format: "%.0f", value) }
    if value >= 1 { return String(format: "%.2f", value) }
    return String(format: "%.4f", value)
}

func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Wall time of `body` in seconds.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// A fresh folder for the run.
let workDir: String = {
    let dir = NSTemporaryDirectory() + "racesync-bench-" + UUID().uuidString.prefix(8)
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()
