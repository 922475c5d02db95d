import Foundation
import UnitraceInventory

/// The Unitrace benchmark suite:
/// `swift run -c release unitrace-bench [WORKLOAD…] [--n N] [--events E,E…] [--repeat R] [--lookups L]`
/// prints one line per figure (median of R runs after a warm-up, with their spread) and writes them all to
/// a JSON file. Workloads: `parse`, `w1`–`w5` (over HTTP, one sequential client), `e1`–`e4` (embedded);
/// `http`, `embedded` and `all` (the default) name groups.
struct Options {
    static let http = ["w1", "w2", "w3", "w4", "w5"]
    static let embedded = ["e1", "e2", "e3", "e4", "e5", "e8", "e9"]
    static let usage = """
        usage: unitrace-bench [WORKLOAD…] [options]
          workloads: parse w1 w2 w3 w4 w5 e1 e2 e3 e4 e5 e8 e9 | http | embedded | all (default)
          --n N            units created, moved and looked up over HTTP (default 2000)
          --events E,E…    sizes of the ledgers imported by E1; the largest also serves E3 and W4 (default 1000000,10000000)
          --repeat R       timed runs after the warm-up (default 3; ledgers over 2M events are imported once)
          --lookups L      lookups per run for W4 and E3 (default 200)
          --epcis E,E…     sizes of the EPCIS documents E5 (JSON-LD) and E6 (XML) import (default 100000,1000000)
          --scans S        scans decoded per run by parse (default 1000000)
          --lots L         lots of one product E8 picks among (default 100000)
          --count-scans C  scans of the cycle count E9 (default 100000)
          --finished F     finished units E4 traces a component lot into, through 3 levels (default 100000)
          --work DIR       where ledgers and stores are written (default .build/unitrace-bench)
          --out FILE       the JSON result file (default <work>/results.json)
          --store STORE    E3 and W4 read this store, imported earlier from the largest ledger, instead of importing it
          --db URL         run on PostgreSQL: postgres://user@host:port/database names the server; each
                           store is a database of its own there (unitrace_bench_…), made afresh
        """

    var workloads: Set<String> = []
    var n = 2_000
    var events = [1_000_000, 10_000_000]
    var epcis = [100_000, 1_000_000]
    var repeats = 3
    var lookups = 200
    var scans = 1_000_000
    var lots = 100_000
    var countScans = 100_000
    var finished = 100_000
    var work = ".build/unitrace-bench"
    var out: String?
    var db: String?
    var store: String?

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func number(_ name: String) throws -> Int {
            guard let text = iterator.next(), let value = Int(text.replacingOccurrences(of: "_", with: "")), value > 0
            else { throw BenchError("\(name) needs a positive whole number\n\(Self.usage)") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--n": n = try number(argument)
            case "--repeat": repeats = try number(argument)
            case "--lookups": lookups = try number(argument)
            case "--scans": scans = try number(argument)
            case "--lots": lots = try number(argument)
            case "--count-scans": countScans = try number(argument)
            case "--finished": finished = try number(argument)
            case "--events":
                let sizes = (iterator.next() ?? "").split(separator: ",").compactMap {
                    Int($0.replacingOccurrences(of: "_", with: ""))
                }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 200 }) else {
                    throw BenchError("--events needs sizes of at least 200, e.g. 1000000,10000000\n\(Self.usage)")
                }
                events = sizes.sorted()
            case "--epcis":
                let sizes = (iterator.next() ?? "").split(separator: ",").compactMap {
                    Int($0.replacingOccurrences(of: "_", with: ""))
                }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                    throw BenchError("--epcis needs positive sizes, e.g. 100000,1000000\n\(Self.usage)")
                }
                epcis = sizes.sorted()
            case "--work": work = iterator.next() ?? work
            case "--out": out = iterator.next()
            case "--db": db = iterator.next()
            case "--store": store = iterator.next()
            case "all": workloads.formUnion(["parse"] + Self.http + Self.embedded)
            case "http": workloads.formUnion(Self.http)
            case "embedded": workloads.formUnion(Self.embedded)
            case "parse", "w1", "w2", "w3", "w4", "w5", "e1", "e2", "e3", "e4", "e5", "e8", "e9":
                workloads.insert(argument)
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            default: throw BenchError("unknown argument '\(argument)'\n\(Self.usage)")
            }
        }
        if workloads.isEmpty { workloads = Set(["parse"] + Self.http + Self.embedded) }
    }

    var summary: [String: String] {
        [
            "workloads": workloads.sorted().joined(separator: ","), "n": "\(n)",
            "events": events.map(String.init).joined(separator: ","), "repeat": "\(repeats)", "lookups": "\(lookups)",
            "epcis": epcis.map(String.init).joined(separator: ","),
            "scans": "\(scans)", "lots": "\(lots)", "countScans": "\(countScans)", "finished": "\(finished)",
            "engine": db == nil ? "sqlite" : "postgres",
        ]
    }
}

func runSuite(_ options: Options) async throws {
    try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
    let stores = BenchStores(postgres: options.db, work: options.work)
    let results = Results(engine: stores.engine)
    let machine = Machine.current
    print(
        "unitrace-bench  \(machine.cores) cores, \(machine.memoryGiB) GiB  engine \(stores.engine)  n=\(options.n)  "
            + "events=\(options.events.map { $0.formatted() }.joined(separator: ","))  runs=\(options.repeats) after a warm-up"
    )
    let selected = options.workloads
    if selected.contains("parse") { try parseWorkload(options, results: results) }

    if !selected.isDisjoint(with: ["w1", "w2", "w3", "w4", "w5"]) {
        let store = try await stores.fresh("http")
        try await HTTPWorkloads(options: options).run(store: store, results: results)
    }

    let embedded = EmbeddedWorkloads(options: options, stores: stores, results: results)
    var largest: String?
    for events in options.events {
        let ledger = SyntheticLedger(events: events)
        var importRate: Double?
        if selected.contains("e1") {
            largest = try await embedded.importLedger(ledger, runs: events > 2_000_000 ? 1 : options.repeats)
            importRate = results.figures.last(where: { $0.id == "E1" && $0.unit == "events/s" })?.median
        }
        if selected.contains("e2") {
            if stores.engine == "sqlite" {
                try embedded.rawInsert(ledger, runs: events > 2_000_000 ? 1 : options.repeats, importRate: importRate)
            } else {
                results.unavailable("E2", "raw C API baseline", because: "it is SQLite's C API; run it without --db")
            }
        }
    }
    if !selected.isDisjoint(with: ["e3", "w4"]) {
        let ledger = SyntheticLedger(events: options.events.last!)
        var store = largest ?? options.store
        if store == nil { store = try await embedded.importLedger(ledger, runs: 1) }
        guard let store else { return }
        // Warm up: a server that has been running holds its store in memory. Read the file once so that
        // the lookups measure the store, not the disk (a cold cache is several times slower at this size).
        if stores.engine == "sqlite" { try readThrough(store) }
        if selected.contains("e3") {
            try await embedded.reads(Inventory(store: try await BenchStores.open(store)), ledger: ledger)
        }
        if selected.contains("w4") {
            try await HTTPWorkloads(options: options).lookupsAtScale(store: store, ledger: ledger, results: results)
        }
    }
    if selected.contains("e5") {
        try await EPCISWorkload(options: options, stores: stores, results: results).run(sizes: options.epcis)
    }
    if selected.contains("e9") {
        try await CountWorkload(options: options, stores: stores, results: results).run()
    }
    if selected.contains("e8") {
        try await StockWorkload(options: options, stores: stores, results: results).run()
    }
    if selected.contains("e4") {
        try await GenealogyWorkload(options: options, stores: stores, results: results).run()
    }
    let out = options.out ?? options.work + "/results.json"
    try results.write(to: out, options: options)
    print("results written to \(out)")
}

/// Reads a file from start to end, leaving it in the operating system's cache.
func readThrough(_ path: String) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
    defer { try? handle.close() }
    while let chunk = try handle.read(upToCount: 8 << 20), !chunk.isEmpty {}
}

do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "_serve", arguments.count == 2 {
        try await ServerProcess.main(store: arguments[1])
    } else if arguments.first == "_epcis", arguments.count == 3 {
        let outcome = try await EPCISWorkload.importChild(file: arguments[1], store: arguments[2])
        FileHandle.standardOutput.write(try JSONEncoder().encode(outcome))
    } else if arguments.first == "_import", arguments.count == 3 {
        try await ImportChild.main(file: arguments[1], store: arguments[2])
    } else {
        try await runSuite(try Options(arguments))
    }
} catch {
    FileHandle.standardError.write(Data("unitrace-bench: \(error)\n".utf8))
    exit(1)
}
