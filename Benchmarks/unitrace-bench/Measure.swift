import Foundation

/// One figure of the suite: what was measured in each run, and the goal it is held against.
struct Figure: Codable {
    enum Goal: Codable {
        case atLeast(Double)
        case atMost(Double)
    }

    var id: String
    var name: String
    var unit: String
    /// One value per run, in run order.
    var runs: [Double]
    var goal: Goal?
    var engine = "sqlite"
    var note: String?

    var median: Double { runs.sorted()[runs.count / 2] }
    /// (slowest − fastest) ÷ median, in percent.
    var spread: Double {
        guard let low = runs.min(), let high = runs.max(), median != 0 else { return 0 }
        return (high - low) / median * 100
    }
    var met: Bool? {
        switch goal {
        case .atLeast(let target): median >= target
        case .atMost(let target): median <= target
        case nil: nil
        }
    }

    var line: String {
        let label = "\(id)  \(name)".padding(toLength: 68, withPad: " ", startingAt: 0)
        var text = label + Self.format(median).leftPadded(12) + " " + unit
        if runs.count > 1 { text += String(format: "  (spread %.1f%%, %d runs)", spread, runs.count) }
        switch goal {
        case .atLeast(let target): text += "  goal ≥ \(Self.format(target)) " + (met == true ? "met" : "MISSED")
        case .atMost(let target): text += "  goal ≤ \(Self.format(target)) " + (met == true ? "met" : "MISSED")
        case nil: break
        }
        if let note { text += "  — \(note)" }
        return text
    }

    static func format(_ value: Double) -> String {
        if value >= 100 { return Int(value.rounded()).formatted(.number.grouping(.automatic)) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3f", value)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Collects the figures, prints each as it comes, and writes them all as JSON at the end.
final class Results {
    private(set) var figures: [Figure] = []
    let engine: String

    init(engine: String) { self.engine = engine }

    func add(_ figure: Figure) {
        var figure = figure
        figure.engine = engine
        figures.append(figure)
        print(figure.line)
    }

    func unavailable(_ id: String, _ name: String, because reason: String) {
        print("\(id)  \(name)".padding(toLength: 68, withPad: " ", startingAt: 0) + "not available: \(reason)")
    }

    func write(to path: String, options: Options) throws {
        struct Document: Encodable {
            var date: String
            var commit: String?
            var machine: Machine
            var options: [String: String]
            var figures: [Figure]
        }
        let document = Document(
            date: ISO8601DateFormatter().string(from: Date()), commit: Machine.commit(), machine: Machine.current,
            options: options.summary, figures: figures)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(document).write(to: URL(fileURLWithPath: path))
    }
}

struct Machine: Encodable {
    var cores: Int
    var memoryGiB: Double
    var system: String

    static var current: Machine {
        let info = ProcessInfo.processInfo
        return Machine(
            cores: info.activeProcessorCount,
            memoryGiB: (Double(info.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            system: info.operatingSystemVersionString)
    }

    /// The commit being measured, when run from a git checkout.
    static func commit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Monotonic time in seconds.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Times `body` and returns seconds.
func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = now()
    try await body()
    return now() - start
}

/// Latency samples in seconds; reported in milliseconds.
struct Latencies: Sendable {
    private(set) var samples: [Double] = []

    mutating func time<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = now()
        let value = try await body()
        samples.append(now() - start)
        return value
    }

    @discardableResult
    mutating func time<T>(_ body: () throws -> T) rethrows -> T {
        let start = now()
        let value = try body()
        samples.append(now() - start)
        return value
    }

    func quantile(_ q: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)] * 1000
    }
    var median: Double { quantile(0.5) }
    var p99: Double { quantile(0.99) }
}

/// Peak resident memory of this process, in MB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}
