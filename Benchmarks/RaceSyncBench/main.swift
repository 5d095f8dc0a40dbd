import Foundation

// `make bench`: every figure next to a baseline measured in the same run.
// Writes bench/results.json and prints one table. Run from the package root.
//   racesync-bench [--only merge|http|postgres|poll|feeds|scale|racecli|propagation|eventsub|memory] [--keep]
let arguments = CommandLine.arguments
let only = arguments.firstIndex(of: "--only").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
func selected(_ name: String) -> Bool { only == nil || only == name }

let report = Report()
log("RaceSync benchmarks (work folder \(workDir))")
do {
    if selected("merge") || selected("http") { try await MergeBench.run(report) }
    if selected("http") {
        let merge = report.figures.first { $0.name == MergeBench.mergeFigure }?.value ?? 0
        try await HTTPBench.run(report, inProcessOpsPerSecond: merge)
    }
    if selected("postgres") {
        let sqlite = report.figures.first { $0.name.hasPrefix("100k ops pushed over HTTP, 4 clients") }?.value
        try await PostgresBench.run(report, sqliteHTTPOpsPerSecond: sqlite)
    }
    if selected("poll") { try await PollBench.run(report) }
    if selected("feeds") { try await ProcessBench.feeds(report) }
    if selected("scale") { try ScaleBench.run(report) }
    if selected("racecli") { try RacecliBench.run(report) }
    if selected("propagation") { try await PropagationBench.run(report) }
    if selected("eventsub") {
        try await EventSubBench.run(report)
        try await HelixCostBench.run(report)
    }
    if selected("memory") { try await ProcessBench.memory(report) }
} catch {
    log("benchmark failed: \(error)")
}
print("")
report.printTable()
if only == nil { try report.write(to: "bench/results.json") }
if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: workDir) }
