import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func motor(_ serial: String) -> UnitKey { UnitKey(sku: "EVM-200", serial: serial) }

/// Yoghurt lot L-1 (20 kg) and 500 screws in WH1-A-01 play the raw materials; motors are made from them.
private func plant() async throws -> Inventory {
    let inventory = try await Warehouse.stocked(on: try await TestStores.make(), stock: "WH1-A-01")
    _ = try await inventory.addRun(RunRequest(id: "R-1", line: "L1"), context: .dock)
    return inventory
}

private func production(
    lot: String = "P-1", serials: [String] = ["P-1", "P-2"], inputs: [String] = ["YOG-1/L-1=2.5", "SCREW-4=40"]
) throws -> ProductionRequest {
    ProductionRequest(
        sku: "EVM-200", location: "WH1-A-01", lot: lot, run: "R-1", serials: serials,
        inputs: try inputs.map { text throws(InputError) in try QuantityLine(parsingInput: text) })
}

@Suite("Production: lots consumed into a new lot, and traced")
struct ProductionTests {
    @Test("a production takes its inputs from stock and makes a new lot, in one event that verifies")
    func produce() async throws {
        let inventory = try await plant()
        let head = try await inventory.store.head()
        let outcome = try await inventory.produce(try production(), context: .dock)
        #expect(outcome.units == [motor("P-1"), motor("P-2")])
        #expect(try await inventory.store.head().sequence == head.sequence + 1)
        let event = try #require(try await inventory.store.event(sequence: head.sequence + 1)?.event)
        #expect(event.kind == .produce && event.transformation == "R-1" && event.businessStep == "commissioning")
        let levels = try await inventory.store.stockLevels(of: [
            StockKey(sku: "YOG-1", lot: "L-1", location: "WH1-A-01"),
            StockKey(sku: "SCREW-4", lot: nil, location: "WH1-A-01"),
        ])
        #expect(levels.values.map(\.description).sorted() == ["17.5", "460"])
        let lot = try #require(try await inventory.store.lots([LotKey(sku: "EVM-200", code: "P-1")]).values.first)
        #expect(lot.run == "R-1" && lot.inputs?.map(\.sku) == ["YOG-1", "SCREW-4"])
        #expect(try await inventory.store.states(of: [motor("P-1")])[motor("P-1")]?.status == .inStock)
        #expect(try await inventory.verify().ok)
        let passport = try await inventory.passport("EVM-200/P-1")
        #expect(PassportJSON(passport).origin?.madeFrom == ["YOG-1/L-1 2.5 KGM", "SCREW-4 40"])
    }

    @Test("a trace up of an input lot follows it into the lots made from it; a recall on it reaches their units")
    func traceAndRecall() async throws {
        let inventory = try await plant()
        _ = try await inventory.produce(try production(), context: .dock)
        _ = try await inventory.receive(
            ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: [ReceiveLine(serial: "B-1")]), context: .dock)
        _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["EVM-200/P-1"]), context: .dock)
        let trace = try await inventory.traceUp(lot: LotKey(sku: "YOG-1", code: "L-1"))
        #expect(trace.madeInto.map(\.lot.code) == ["P-1"])
        #expect(trace.madeInto.first?.outermost.members == 2)
        #expect(trace.madeInto.first?.outermost.units.map(\.key) == [UnitKey(sku: "BP-75", serial: "B-1")])
        var criteria = RecallCriteria()
        criteria.componentLots = [LotRef(sku: "YOG-1", lot: "L-1")]
        let report = try await inventory.createRecall(
            id: "RC-1", reason: "contaminated", criteria: criteria, context: .dock)
        #expect(
            Set(report.units.map(\.unit))
                == [motor("P-1"), motor("P-2"), UnitKey(sku: "BP-75", serial: "B-1")])
        #expect(report.units.first { $0.unit == motor("P-2") }?.reason.contains("made from lot YOG-1/L-1") == true)
    }

    @Test("bad productions are refused with what is wrong, and write nothing")
    func refusals() async throws {
        let inventory = try await plant()
        _ = try await inventory.produce(try production(), context: .dock)
        let head = try await inventory.store.head()
        let cases: [(ProductionRequest, String)] = [
            (try production(lot: "P-1", serials: ["P-9"]), "exists already"),
            (try production(lot: "P-2", serials: ["P-9"], inputs: []), "consumes something"),
            (
                ProductionRequest(
                    sku: "YOG-1", location: "WH1-A-01", lot: "Y-2", serials: ["X"],
                    inputs: [try QuantityLine(parsingInput: "SCREW-4=1")]), "makes a quantity"
            ),
            (
                ProductionRequest(
                    sku: "EVM-200", location: "WH1-A-01", lot: "P-3", run: "NO-RUN", serials: ["P-9"],
                    inputs: [try QuantityLine(parsingInput: "SCREW-4=1")]), "NO-RUN"
            ),
        ]
        for (request, words) in cases {
            do {
                _ = try await inventory.produce(request, context: .dock)
                Issue.record("accepted: \(words)")
            } catch let error as InputError {
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
        // Too little of an input, a serial in use: the batch is rejected line by line.
        for request in [
            try production(lot: "P-4", serials: ["P-9"], inputs: ["YOG-1/L-1=500"]),
            try production(lot: "P-5", serials: ["P-1"]),
            try production(lot: "P-6", serials: ["P-9"], inputs: ["YOG-1/NOPE=1"]),
        ] {
            await #expect(throws: BatchRejected.self) { _ = try await inventory.produce(request, context: .dock) }
        }
        #expect(try await inventory.store.head() == head)
        #expect(throws: InputError.self) { _ = try QuantityLine(parsingInput: "YOG-1/L-1") }
        #expect(
            try QuantityLine(parsingInput: "YOG-1/L-1=12.5KGM")
                == QuantityLine(sku: "YOG-1", lot: "L-1", quantity: "12.5", uom: "KGM"))
        #expect(try await inventory.verify().ok)
    }

    @Test("a lot-tracked product is produced as a quantity of its new lot")
    func quantityOutput() async throws {
        let inventory = try await plant()
        let outcome = try await inventory.produce(
            ProductionRequest(
                sku: "YOG-1", location: "WH1-A-01", lot: "Y-2", quantity: "8",
                inputs: [try QuantityLine(parsingInput: "YOG-1/L-1=10")]), context: .dock)
        #expect(outcome.units.isEmpty && outcome.quantity?.quantity == "8")
        let levels = try await inventory.store.stockLevels(of: [
            StockKey(sku: "YOG-1", lot: "Y-2", location: "WH1-A-01"),
            StockKey(sku: "YOG-1", lot: "L-1", location: "WH1-A-01"),
        ])
        #expect(levels[StockKey(sku: "YOG-1", lot: "Y-2", location: "WH1-A-01")]?.description == "8")
        #expect(levels[StockKey(sku: "YOG-1", lot: "L-1", location: "WH1-A-01")]?.description == "10")
        #expect(
            try await inventory.store.lots(madeFrom: LotKey(sku: "YOG-1", code: "L-1")) == [
                LotKey(sku: "YOG-1", code: "Y-2")
            ])
        let rebuilt = try await inventory.rebuild()
        _ = rebuilt
        #expect(
            try await inventory.store.lots(madeFrom: LotKey(sku: "YOG-1", code: "L-1")) == [
                LotKey(sku: "YOG-1", code: "Y-2")
            ])
        #expect(try await inventory.verify().ok)
    }
}
