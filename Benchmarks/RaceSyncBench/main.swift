import Foundation

// `make bench`: every figure next to a baseline measured in the same run.
// Writes bench/results.json and prints one table. Run from the package root.
let report = Report()
log("RaceSync benchmarks (work folder \(workDir))")
do {
    try MergeBench.run(report)
    let inProcess = report.figures.last?.value ?? 0
    try await HTTPBench.run(report, inProcessOpsPerSecond: inProcess)
    try await PollBench.run(report)
    try ProcessBench.feeds(report)
    try ProcessBench.racecli(report)
    try ProcessBench.propagation(report)
    try ProcessBench.memory(report)
} catch {
    log("benchmark failed: \(error)")
}
print("")
report.printTable()
try report.write(to: "bench/results.json")
try? FileManager.default.removeItem(atPath: workDir)
