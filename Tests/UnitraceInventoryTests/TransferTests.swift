import Foundation
import Testing
import UnitraceCore
import UnitraceSQLite
import UnitraceTestSupport

@testable import UnitraceInventory

private func exported(_ inventory: Inventory, _ filter: EventFilter = .all) async throws -> [String] {
    var lines: [String] = []
    _ = try await inventory.export(filter) { lines.append($0) }
    return lines
}

@Suite("Export and import")
struct TransferTests {
    @Test("a full export imported into an empty store is the same ledger, hash for hash")
    func roundTrip() async throws {
        let source = Inventory(store: try await TestStores.make(), environment: .fixed())
        let demo = try await source.loadDemo()
        let lines = try await exported(source)
        #expect(lines.count == demo.events + demo.products + demo.locations + 2)  // and its two production runs

        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: lines)
        let report = try await target.importLedger(from: &input, batchSize: 7)
        #expect(report.events == demo.events)
        #expect(report.batches == 6)
        #expect(report.products == demo.products)
        #expect(report.runs == 2)
        #expect(try await target.run("RUN-MOT-0927").line == "MOTOR-L1")
        #expect(try await target.store.head() == source.store.head())
        #expect(try await target.verify().ok)
        #expect(try await exported(target) == lines)
        #expect(try await target.passport(demo.featuredUnit).state == source.passport(demo.featuredUnit).state)

        // Running the same import again records nothing twice.
        var again = ArrayLines(lines: lines)
        let second = try await target.importLedger(from: &again)
        #expect(second.events == 0)
        #expect(second.skipped == demo.events)
        #expect(try await target.store.head() == source.store.head())
    }

    @Test("an export of one unit holds only the events that name it")
    func unitExport() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
        _ = try await inventory.move(["M-2"], to: "WH1-B", context: .dock)
        _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        let lines = try await exported(inventory, EventFilter(unit: UnitKey(sku: "EVM-200", serial: "M-1")))
        let events = lines.filter { $0.contains("\"sequence\"") }
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.contains("\"sequence\":1") || $0.contains("\"sequence\":3") })
    }

    @Test("an altered event is caught by its hash and its batch is not recorded")
    func alteredImport() async throws {
        let source = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(source, ["M-1"])
        _ = try await source.move(["M-1"], to: "WH1-B", context: .dock)
        var lines = try await exported(source)
        let index = try #require(lines.lastIndex { $0.contains("\"WH1-B\"") && $0.contains("\"move\"") })
        lines[index] = lines[index].replacingOccurrences(of: "\"actor\":\"ada\"", with: "\"actor\":\"mallory\"")

        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: lines)
        let failure = try await #require(throws: ImportFailed.self) {
            try await target.importLedger(from: &input, batchSize: 1)
        }
        #expect((failure.error as? StoreError)?.code == .hashMismatch)
        #expect(failure.recorded.events == 1)
        #expect(failure.firstLine == index + 1)
        #expect(try await target.store.head().sequence == 1)
    }

    @Test("a malformed line names its number; the batches before it are kept")
    func malformedImport() async throws {
        let source = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(source, ["M-1"])
        var lines = try await exported(source)
        lines.append("{\"kind\":\"move\"}")
        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: lines)
        let failure = try await #require(throws: ImportFailed.self) { try await target.importLedger(from: &input) }
        let error = try #require(failure.error as? InputError)
        #expect(error.code == .malformedImport)
        #expect(error.message.hasPrefix("line \(lines.count) is not a ledger record: missing field"))
        #expect(try await target.store.head().sequence == 1)
    }

    @Test("an imported event that breaks a rule is refused with its line")
    func ruleBreakingImport() async throws {
        let source = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(source, ["M-1"])
        var lines = try await exported(source)
        let receive = try #require(lines.last)
        // The same receipt again under a new id: the unit is already in stock.
        lines.append(
            receive.replacingOccurrences(
                of: "00000000-0000-4000-8000-000000000001", with: "00000000-0000-4000-8000-0000000000FF"))
        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: lines)
        let failure = try await #require(throws: ImportFailed.self) {
            try await target.importLedger(from: &input, batchSize: 1)
        }
        let rejected = try #require(failure.error as? BatchRejected)
        #expect(rejected.problems.map(\.line) == [lines.count])
        #expect(rejected.problems.map(\.code) == ["already-in-stock"])
        #expect(try await target.store.head().sequence == 1)
    }

    @Test("one event a batch, each moving a unit the batch before it moved, imports as the same ledger")
    func overlappingBatches() async throws {
        let source = try await Warehouse.make(on: try await TestStores.make(), environment: .fixed())
        try await Warehouse.receiveMotors(source, ["M-1", "M-2"])
        for round in 0..<12 {
            _ = try await source.move(["M-1"], to: round.isMultiple(of: 2) ? "WH1-B" : "WH1-A", context: .dock)
            if round.isMultiple(of: 3) {
                _ = try await source.move(
                    ["M-2"], to: (round / 3).isMultiple(of: 2) ? "WH1-B" : "WH1-A-01", context: .dock)
            }
        }
        let lines = try await exported(source)

        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: lines)
        let report = try await target.importLedger(from: &input, batchSize: 1)
        #expect(report.events == 1 + 12 + 4)
        #expect(report.batches == report.events)
        #expect(try await target.store.head() == source.store.head())
        #expect(try await target.verify().ok)
        for serial in ["M-1", "M-2"] {
            let unit = UnitKey(sku: "EVM-200", serial: serial)
            #expect(try await target.store.states(of: [unit]) == source.store.states(of: [unit]))
        }
    }

    @Test("a batch validated against one still being written is refused if a unit moved meanwhile")
    func validatedAheadThenMoved() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let unit = UnitKey(sku: "EVM-200", serial: "M-1")
        func draft(to location: String) -> Draft {
            Draft(
                event: inventory.newEvent(.move, context: .dock, location: location, lines: [EventLine(unit: unit)]),
                lineNumbers: [1], scans: ["M-1"])
        }
        let first = try await inventory.prepare([draft(to: "WH1-B")])
        let ahead = PendingBatch(first)
        var second = try await inventory.prepare([draft(to: "WH1-A")], after: ahead)
        // Validated against what the first batch leaves, before it is written.
        #expect(second.changes.first?.before?.location == "WH1-B")
        #expect(try await inventory.store.states(of: [unit])[unit]?.location == "WH1-A-01")

        let receipt = try await inventory.store.commit(first)
        var third = second
        second.rebase(on: ahead, receipt: receipt)
        #expect(second.changes.first?.before?.version == receipt.lastSequence)
        // Another writer moves the unit before the second batch is written: the store refuses it.
        _ = try await inventory.move(["M-1"], to: "WH1-A-01", context: .dock)
        let head = try await inventory.store.head()
        let refusal = try await #require(throws: StoreError.self) { try await inventory.store.commit(second) }
        #expect(refusal.code == .conflict)
        // Not rebased, it names the version the unit had before the first batch: refused too.
        let unrebased = try await #require(throws: StoreError.self) { try await inventory.store.commit(third) }
        #expect(unrebased.code == .conflict)
        #expect(try await inventory.store.head() == head)
        third = try await inventory.prepare([draft(to: "WH1-B")])
        _ = try await inventory.store.commit(third)
        #expect(try await inventory.store.states(of: [unit])[unit]?.location == "WH1-B")
        #expect(try await inventory.verify().ok)
    }

    @Test("the demo tells a consistent story")
    func demo() async throws {
        let inventory = Inventory(store: try await TestStores.make())
        let summary = try await inventory.loadDemo()
        #expect(summary.units == 34)
        let featured = try await inventory.passport(summary.featuredUnit)
        #expect(featured.state.status == .quarantined)
        #expect(
            featured.history.map(\.event.kind) == [.receive, .install, .ship, .arrive, .sell, .return, .quarantine])
        let redSUVs = try await inventory.find(UnitQuery(attributes: ["body": "suv", "color": "red"]))
        #expect(redSUVs.count == 3)
        #expect(try await inventory.verify().ok)
    }
}
