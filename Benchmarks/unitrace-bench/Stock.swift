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
