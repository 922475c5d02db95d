import Foundation
import UnitraceCore

/// The Unitrace benchmark suite. `swift run -c release unitrace-bench [WORKLOAD…] [--n N] [--repeat R]`
/// prints one line per figure: the median of R runs and their spread.
///
/// Workloads: `parse` (scans decoded per second on one core: GS1 element strings, bracketed strings,
/// Digital Link URIs, SGTIN-96 tag reads).

struct Options {
    var workloads: [String] = []
    var n = 200_000
    var repeats = 5

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--n": n = iterator.next().flatMap(Int.init) ?? n
            case "--repeat": repeats = iterator.next().flatMap(Int.init) ?? repeats
            default: workloads.append(argument)
            }
        }
        if workloads.isEmpty { workloads = ["parse"] }
    }
}

/// Runs `body` `repeats` times after one warm-up and returns rates in operations per second.
func measure(_ operations: Int, repeats: Int, _ body: () throws -> Void) rethrows -> [Double] {
    try body()
    var rates: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(Double(operations) / seconds)
    }
    return rates.sorted()
}

func report(_ name: String, _ rates: [Double], unit: String) {
    let median = rates[rates.count / 2]
    let spread = (rates.last! - rates.first!) / median * 100
    let label = name.padding(toLength: 40, withPad: " ", startingAt: 0)
    print(
        label + String(format: "%12.0f ", median) + unit
            + String(format: "  (spread %.1f%%, %d runs)", spread, rates.count))
}

func parseWorkload(_ options: Options) throws {
    let n = options.n
    // Distinct inputs, so nothing is cached between iterations.
    var scanned: [String] = []
    var bracketed: [String] = []
    var links: [String] = []
    var tags: [String] = []
    let sgtin = try require(EPCScheme.named("sgtin-96"))
    for index in 0..<1_000 {
        let body = String(format: "0950600%06d", index)
        let gtin = body + String(GS1.checkDigit(of: body.map { Int(String($0))! }))
        let serial = "SN\(index * 7919)"
        let data = try GS1.parse("(01)\(gtin)(17)271231(10)LOT\(index % 97)(21)\(serial)")
        scanned.append("]d2" + data.elementString)
        bracketed.append(data.bracketed)
        links.append(try DigitalLink.make(data))
        let epc = try EPC.from(try GS1.parse("(01)\(gtin)(21)\(index * 7919 + 1)"), companyPrefixLength: 7)
        tags.append(try epc.encode(scheme: sgtin, filter: 1))
    }
    var sink = 0
    report(
        "GS1 element string (DataMatrix scan)",
        try measure(n, repeats: options.repeats) {
            for index in 0..<n { sink &+= try GS1.parse(scanned[index % scanned.count]).elements.count }
        }, unit: "scans/s")
    report(
        "GS1 bracketed string",
        try measure(n, repeats: options.repeats) {
            for index in 0..<n { sink &+= try GS1.parse(bracketed[index % bracketed.count]).elements.count }
        }, unit: "scans/s")
    report(
        "GS1 Digital Link URI",
        try measure(n, repeats: options.repeats) {
            for index in 0..<n { sink &+= try DigitalLink.parse(links[index % links.count]).elements.count }
        }, unit: "scans/s")
    report(
        "SGTIN-96 tag read (hex)",
        try measure(n, repeats: options.repeats) {
            for index in 0..<n { sink &+= try EPC.decode(hex: tags[index % tags.count]).reference.count }
        }, unit: "tags/s")
    if sink == 42 { print("") }
}

extension Optional {
    struct Missing: Error {}
    static func require(_ value: Wrapped?) throws -> Wrapped {
        guard let value else { throw Missing() }
        return value
    }
}

func require<T>(_ value: T?) throws -> T { try Optional<T>.require(value) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
print(
    "unitrace-bench  \(ProcessInfo.processInfo.activeProcessorCount) cores  n=\(options.n)  repeats=\(options.repeats)")
for workload in options.workloads {
    switch workload {
    case "parse": try parseWorkload(options)
    default:
        FileHandle.standardError.write(Data("unknown workload \(workload); available: parse\n".utf8))
        exit(64)
    }
}
