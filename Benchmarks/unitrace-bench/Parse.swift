import Foundation
import UnitraceCore

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
    return rates
}

/// Scans decoded per second on one core: GS1 element strings, bracketed strings, Digital Link URIs,
/// SGTIN-96 tag reads. 1,000 distinct labels cycled.
func parseWorkload(_ options: Options, results: Results) throws {
    let n = options.scans
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
    // Each parser decodes `n` inputs per run; the count it returns feeds a sink so no work is optimised away.
    let parsers: [(name: String, unit: String, inputs: [String], decode: (String) throws -> Int)] = [
        ("GS1 element string (DataMatrix scan)", "scans/s", scanned, { try GS1.parse($0).elements.count }),
        ("GS1 bracketed string", "scans/s", bracketed, { try GS1.parse($0).elements.count }),
        ("GS1 Digital Link URI", "scans/s", links, { try DigitalLink.parse($0).elements.count }),
        ("SGTIN-96 tag read (hex)", "tags/s", tags, { try EPC.decode(hex: $0).reference.count }),
    ]
    var sink = 0
    for parser in parsers {
        let rates = try measure(n, repeats: options.repeats) {
            for index in 0..<n { sink &+= try parser.decode(parser.inputs[index % parser.inputs.count]) }
        }
        results.add(Figure(id: "P", name: parser.name, unit: parser.unit, runs: rates))
    }
    if sink == 42 { print("") }
}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw BenchError("missing value") }
    return value
}
