import Foundation
import UnitraceCore
import UnitraceInventory

/// E4: one component lot traced forward into `finished` finished units through three levels of assembly
/// (cell → module → pack → car, one of each per car), then a recall made on that lot. The store is built by
/// importing a JSON Lines ledger: receipts of 1,000 units, then one install event per fitted part.
struct GenealogyWorkload {
    let options: Options
    let stores: BenchStores
    let results: Results

    static let levels = ["CELL", "MODULE", "PACK", "CAR"]
    static let lot = "CELL-LOT-1"

    static func serial(_ level: Int, _ index: Int) -> String {
        String(levels[level].prefix(1)) + String(format: "%08d", index)
    }

    func run() async throws {
        let finished = max(10, options.finished)
        let file = options.work + "/genealogy-\(finished).jsonl"
        if !FileManager.default.fileExists(atPath: file) { try Self.write(finished: finished, to: file) }
        let location = try await stores.fresh("genealogy")
        defer { stores.remove(location) }
        let imported = try ImportChild.run(file: file, store: location)
        print(
            "  E4 store: \(finished.formatted()) cars of 3 levels, \(imported.events.formatted()) events imported in "
                + String(format: "%.1f s", imported.seconds))
        let inventory = Inventory(store: try await BenchStores.open(location))
        if ProcessInfo.processInfo.environment["UNITRACE_BENCH_PHASES"] != nil {
            try await Self.phases(try await BenchStores.open(location))
        }
        var traces: [Double] = []
        for run in 0...options.repeats {
            var trace: Trace?
            let elapsed = try await seconds {
                trace = try await inventory.traceUp(lot: LotKey(sku: "CELL", code: Self.lot))
            }
            guard let outermost = trace?.outermost, outermost.total == finished, outermost.members == finished,
                outermost.installed == finished, outermost.units.allSatisfy({ $0.key.sku == "CAR" })
            else {
                throw BenchError(
                    "the trace found \(trace?.outermost?.total ?? 0) outermost units, not \(finished) cars")
            }
            if run > 0 { traces.append(elapsed * 1000) }
        }
        let scale = "\(finished.formatted()) finished units, \(imported.events.formatted()) events"
        results.add(
            Figure(
                id: "E4", name: "trace one component lot up 3 levels into \(scale)", unit: "ms", runs: traces,
                goal: .atMost(100)))
        var criteria = RecallCriteria()
        criteria.componentLots = [LotRef(sku: "CELL", lot: Self.lot)]
        var report: RecallReport?
        let recall = try await seconds {
            report = try await inventory.createRecall(
                id: "RC-BENCH", reason: "cell defect", criteria: criteria, context: EventContext(actor: "bench"))
        }
        guard let report, report.units.count == finished * 4,
            report.units.filter(\.quarantined).count == finished
        else { throw BenchError("the recall did not affect and quarantine what was set up") }
        results.add(
            Figure(
                id: "E4",
                name: "recall on that lot: \((finished * 4).formatted()) units, \(finished.formatted()) quarantined",
                unit: "s", runs: [recall], goal: .atMost(2)))
    }

    /// The parts of a trace up, each timed on its own (set `UNITRACE_BENCH_PHASES` to print them).
    static func phases(_ store: any InventoryStore) async throws {
        let outermost = try await seconds {
            _ = try await store.outermost(of: .lot(LotKey(sku: "CELL", code: Self.lot)), after: nil, limit: 100)
        }
        var keys: [UnitKey] = []
        let lot = try await seconds { keys = try await store.units(ofLot: Self.lot, sku: "CELL") }
        var links: [AssemblyLink] = []
        let walk = try await seconds { links = try await store.assemblyLinks(reachableFrom: Set(keys), upward: true) }
        var all = Set(keys)
        for link in links { all.insert(link.parent) }
        let states = try await seconds { _ = try await store.states(of: all) }
        print(
            String(
                format:
                    "  E4 phases: outermost units %.3f s; the tree's parts: units of the lot %.3f s, links %.3f s (%d), states %.3f s (%d)",
                outermost, lot, walk, links.count, states, all.count))
    }

    /// The ledger: four products, one plant, `finished` units of each level received in batches, then the
    /// installs level by level.
    static func write(finished: Int, to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let file = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? file.close() }
        var buffer = ""
        func flush(force: Bool = false) throws {
            if force || buffer.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for sku in levels {
            buffer +=
                #"{"product":{"attributes":{},"name":"Bench \#(sku.lowercased())","sku":"\#(sku)","tracking":"serialized"}}"#
            buffer += "\n"
        }
        buffer += #"{"location":{"code":"PLANT","kind":"warehouse","name":"Plant"}}"# + "\n"
        var clock = SyntheticLedger.Clock()
        var event = 0
        for (level, sku) in levels.enumerated() {
            for start in stride(from: 0, to: finished, by: 1_000) {
                var line =
                    #"{"actor":"bench","businessStep":"receiving","disposition":"sellable_accessible","documents":[],"form":2,"id":"\#(SyntheticLedger.uuid(event))","kind":"receive","location":"PLANT","occurredAt":"\#(clock.next())","recordedAt":"\#(clock.current)","units":["#
                event += 1
                for index in start..<min(finished, start + 1_000) {
                    if index > start { line += "," }
                    let lot = level == 0 ? #","lot":"\#(lot)""# : ""
                    line += #"{"serial":"\#(serial(level, index))","sku":"\#(sku)"\#(lot)}"#
                }
                buffer += line + "]}\n"
                try flush()
            }
        }
        for level in 0..<3 {
            let (child, parent) = (levels[level], levels[level + 1])
            for index in 0..<finished {
                let parentLine = #"{"serial":"\#(serial(level + 1, index))","sku":"\#(parent)"}"#
                buffer +=
                    #"{"actor":"bench","businessStep":"installing","documents":[],"form":2,"id":"\#(SyntheticLedger.uuid(event))","kind":"install","location":"PLANT","occurredAt":"\#(clock.next())","parent":\#(parentLine),"recordedAt":"\#(clock.current)","units":[\#(parentLine),{"serial":"\#(serial(level, index))","sku":"\#(child)"}]}"#
                buffer += "\n"
                event += 1
                try flush()
            }
        }
        try flush(force: true)
    }
}
