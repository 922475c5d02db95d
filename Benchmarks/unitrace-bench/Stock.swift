import Foundation
import UnitraceCore
import UnitraceInventory

/// E8: first-expired-first-out picks among many lots of one product spread over many bins.
struct StockWorkload {
    let options: Options
    let stores: BenchStores
    let results: Results

    static let bins = 100

    func run() async throws {
        let location = try await stores.fresh("stock")
        defer { stores.remove(location) }
        let today = CalendarDay(Timestamp.now())
        let inventory = Inventory(store: try await BenchStores.open(location))
        _ = try await inventory.addProduct(
            Product(sku: "FRESH-1", name: "Fresh product", tracking: .lot, uom: "KGM", shelfLifeDays: 60))
        _ = try await inventory.addLocation(Location(code: "DC", name: "Distribution centre", kind: .warehouse))
        for bin in 0..<Self.bins {
            _ = try await inventory.addLocation(
                Location(code: Self.bin(bin), name: "Bin \(bin)", kind: .bin, parent: "DC"))
        }
        let lots = max(Self.bins, options.lots)
        let context = EventContext(actor: "bench")
        var generator = SystemRandomNumberGenerator()
        let receiving = try await seconds {
            for start in stride(from: 0, to: lots, by: 1000) {
                // One receipt per bin and batch: each of its lots is new, with its own expiry.
                var byBin: [Int: [StockLineRequest]] = [:]
                for index in start..<min(lots, start + 1000) {
                    let expiry = today.adding(days: Int64.random(in: 1...720, using: &generator))
                    byBin[index % Self.bins, default: []].append(
                        StockLineRequest(
                            sku: "FRESH-1", lot: String(format: "L%06d", index), quantity: "\(Int.random(in: 1...40))",
                            details: LotDetails(expiry: expiry)))
                }
                for (bin, lines) in byBin.sorted(by: { $0.key < $1.key }) {
                    _ = try await inventory.receiveStock(lines, at: Self.bin(bin), context: context)
                }
            }
        }
        print(
            "  E8 store: \(lots.formatted()) lots over \(Self.bins) bins, received in \(String(format: "%.1f", receiving)) s"
        )
        var anywhere: [Latencies] = []
        var inBin: [Latencies] = []
        for run in 0...options.repeats {
            var all = Latencies()
            var one = Latencies()
            for index in 0..<options.lookups {
                let list = try await all.time {
                    try await inventory.pick([PickRequest(sku: "FRESH-1", quantity: "50")], at: "DC")
                }
                guard list.short.isEmpty, list.lines.count >= 2 else { throw BenchError("pick found too little") }
                let bin = Self.bin(index % Self.bins)
                let local = try await one.time {
                    try await inventory.pick([PickRequest(sku: "FRESH-1", quantity: "50")], at: bin)
                }
                guard local.lines.allSatisfy({ $0.location == bin }) else { throw BenchError("pick left its bin") }
            }
            if run > 0 {
                anywhere.append(all)
                inBin.append(one)
            }
        }
        let scale = "\(lots.formatted()) lots"
        results.add(
            Figure(
                id: "E8", name: "first-expired-first-out pick, 50 kg among \(scale), p99", unit: "ms",
                runs: anywhere.map(\.p99), goal: .atMost(5)))
        results.add(
            Figure(id: "E8", name: "the same pick in one bin of \(Self.bins), p99", unit: "ms", runs: inBin.map(\.p99)))
    }

    static func bin(_ index: Int) -> String { String(format: "DC-B%03d", index) }
}

/// E9: a cycle count of many scans against one location, closed and approved.
struct CountWorkload {
    let options: Options
    let stores: BenchStores
    let results: Results

    func run() async throws {
        let units = max(1_000, options.countScans)
        var opening: [Double] = []
        var scanning: [Double] = []
        var closing: [Double] = []
        var approving: [Double] = []
        for run in 0...options.repeats {
            let location = try await stores.fresh("count")
            defer { stores.remove(location) }
            let inventory = Inventory(store: try await BenchStores.open(location))
            _ = try await inventory.addProduct(Product(sku: "TOOL-1", name: "Cordless drill"))
            _ = try await inventory.addLocation(Location(code: "DC", name: "Distribution centre", kind: .warehouse))
            _ = try await inventory.addLocation(Location(code: "DC-A", name: "Aisle A", kind: .zone, parent: "DC"))
            _ = try await inventory.addLocation(Location(code: "STORE", name: "Store", kind: .store))
            let context = EventContext(actor: "bench")
            // 99 % of the units on the counted shelves, 1 % in the store (seen in the count: unexpected).
            let elsewhere = units / 100
            for start in stride(from: 0, to: units + elsewhere, by: 10_000) {
                let serials = (start..<min(units + elsewhere, start + 10_000)).map { String(format: "T%08d", $0) }
                let here = serials.filter { Int($0.dropFirst())! < units }
                let there = serials.filter { Int($0.dropFirst())! >= units }
                for (place, batch) in [("DC-A", here), ("STORE", there)] where !batch.isEmpty {
                    _ = try await inventory.receive(
                        ReceiveRequest(sku: "TOOL-1", location: place, lines: batch.map { ReceiveLine(serial: $0) }),
                        context: context)
                }
            }
            // Scans: every unit but 1 % (missing), the store's units (unexpected), and 1 % scanned twice.
            var scans = (0..<units).filter { $0 % 100 != 7 }.map { "TOOL-1/" + String(format: "T%08d", $0) }
            scans += (units..<(units + elsewhere)).map { "TOOL-1/" + String(format: "T%08d", $0) }
            scans += (0..<units).filter { $0 % 100 == 3 }.map { "TOOL-1/" + String(format: "T%08d", $0) }
            scans.shuffle()
            var id = ""
            let open = try await seconds { id = try await inventory.openCount(location: "DC", context: context).id }
            let scan = try await seconds {
                for start in stride(from: 0, to: scans.count, by: 5_000) {
                    _ = try await inventory.addCountScans(
                        id, scans: Array(scans[start..<min(scans.count, start + 5_000)]), at: "DC-A", context: context)
                }
            }
            var result: CountResult?
            let close = try await seconds { result = try await inventory.closeCount(id) }
            guard let result, result.missing.count == units / 100, result.unexpected.count == elsewhere else {
                throw BenchError("count result is not what was set up")
            }
            let approve = try await seconds { _ = try await inventory.approveCount(id, context: context) }
            if run > 0 {
                opening.append(open)
                scanning.append(scan)
                closing.append(close)
                approving.append(approve)
            }
        }
        let scale = "\(units.formatted()) scans"
        results.add(Figure(id: "E9", name: "count: open over \(units.formatted()) units", unit: "s", runs: opening))
        results.add(Figure(id: "E9", name: "count: \(scale) taken in batches of 5,000", unit: "s", runs: scanning))
        results.add(Figure(id: "E9", name: "count: close and result of \(scale)", unit: "s", runs: closing))
        results.add(
            Figure(
                id: "E9", name: "count: approve (moves, lost) after \(scale)", unit: "s", runs: approving))
        results.add(
            Figure(
                id: "E9", name: "count of \(scale), open to approved", unit: "s",
                runs: zip(zip(opening, scanning), zip(closing, approving)).map { $0.0 + $0.1 + $1.0 + $1.1 },
                goal: .atMost(10)))
    }
}
