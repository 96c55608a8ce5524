import Foundation

/// One named benchmark.
struct Benchmark: Sendable {
    /// The name given on the command line.
    var name: String
    /// Runs it, printing its figures.
    var run: @Sendable () -> Void
}

/// Every benchmark, in the order they run.
enum Benchmarks {
    static let all: [Benchmark] = [
        Benchmark(name: "ui", run: UIBenchmark.run),
        Benchmark(name: "transcript", run: TranscriptBenchmark.run),
    ]
}

/// Timing and reporting helpers.
enum Measure {
    /// The median wall time of `rounds` runs of `body`, in seconds.
    static func median(rounds: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    /// The median and the largest wall time of `rounds` runs of `body`, in seconds (a frame budget is about the
    /// worst case, so both are reported).
    static func samples(rounds: Int, _ body: () -> Void) -> (median: Double, max: Double) {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return (times[times.count / 2], times[times.count - 1])
    }

    /// Prints one figure: "name: value unit".
    static func report(_ name: String, _ value: Double, _ unit: String, digits: Int = 1) {
        print("\(name): \(String(format: "%.\(digits)f", value)) \(unit)")
    }

    /// The process's peak resident set size so far, in bytes (from /proc/self/status VmHWM).
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Resets the peak RSS counter (Linux: writing 5 to clear_refs), so a later reading covers only what follows.
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The current resident set size, in bytes.
    static func currentRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.filter(\.isNumber)) ?? 0) * 1024
        }
        return 0
    }
}
