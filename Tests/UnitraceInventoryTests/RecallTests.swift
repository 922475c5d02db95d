import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func motor(_ serial: String) -> UnitKey { UnitKey(sku: "EVM-200", serial: serial) }
private func pack(_ serial: String) -> UnitKey { UnitKey(sku: "BP-75", serial: serial) }

/// Run R-BAD on line L1 made lot BAD (M-1…M-3); lot GOOD (M-4) came from line L2. Battery packs B-1…B-4 play the
/// cars: M-1 is in B-1 (sold to CUST-1), M-2 in B-2 (in stock), M-4 in B-3 (in stock); M-3 is loose in stock;
/// B-4 is in transit.
private func plant() async throws -> Inventory {
    let inventory = try await Warehouse.make(on: try await TestStores.make())
    let context = EventContext.dock
    _ = try await inventory.addRun(RunRequest(id: "R-BAD", line: "L1", equipment: "W-3"), context: context)
    _ = try await inventory.addRun(RunRequest(id: "R-GOOD", line: "L2"), context: context)
    for (lot, run, serials) in [("BAD", "R-BAD", ["M-1", "M-2", "M-3"]), ("GOOD", "R-GOOD", ["M-4"])] {
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1-A-01", lines: serials.map { ReceiveLine(serial: $0) }, lot: lot,
                lotDetails: LotDetails(madeOn: try CalendarDay(parsing: "2026-09-28"), supplier: "MOTORCO", run: run)),
            context: context)
    }
    _ = try await inventory.receive(
        ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: (1...4).map { ReceiveLine(serial: "B-\($0)") }),
        context: context)
    for (parent, component) in [("B-1", "M-1"), ("B-2", "M-2"), ("B-3", "M-4")] {
        _ = try await inventory.install(AssemblyRequest(parent: parent, components: [component]), context: context)
    }
    _ = try await inventory.sell(
        ["BP-75/B-1"], sale: Sale(customer: "CUST-1", channel: "online"), context: context)
    _ = try await inventory.ship(["BP-75/B-4"], toLocation: "SHOP", context: context)
    return inventory
}

private func criteria(_ build: (inout RecallCriteria) -> Void) -> RecallCriteria {
    var criteria = RecallCriteria()
    build(&criteria)
    return criteria
}

@Suite("Recall campaigns")
struct RecallTests {
    @Test("a recall by line finds the lot's motors and the units they are in, partitions them, quarantines stock")
    func recallByLine() async throws {
        let inventory = try await plant()
        let head = try await inventory.store.head()
        let report = try await inventory.createRecall(
            id: "RC-1", reason: "bearing noise", criteria: criteria { $0.lines = ["L1"] }, context: .dock)
        let partitions = Dictionary(uniqueKeysWithValues: report.units.map { ($0.unit, $0.partition) })
        #expect(
            partitions == [
                motor("M-1"): .installed, motor("M-2"): .installed, motor("M-3"): .inStock, pack("B-1"): .sold,
                pack("B-2"): .inStock,
            ])
        #expect(report.units.first { $0.unit == pack("B-1") }?.customer == "CUST-1")
        #expect(report.units.first { $0.unit == pack("B-2") }?.reason == "contains EVM-200/M-2")
        // One quarantine event, written with the recall.
        #expect(try await inventory.store.head().sequence == head.sequence + 1)
        let states = try await inventory.store.states(of: [motor("M-3"), pack("B-2"), pack("B-3"), pack("B-1")])
        #expect(states[motor("M-3")]?.status == .quarantined)
        #expect(states[pack("B-2")]?.status == .quarantined)
        #expect(states[pack("B-3")]?.status == .inStock, "B-3 holds a motor of the good lot")
        #expect(states[pack("B-1")]?.status == .sold)
        let event = try #require(try await inventory.store.event(sequence: head.sequence + 1)?.event)
        #expect(event.kind == .quarantine && event.documents == [DocumentRef(type: "recall", id: "RC-1")])
        #expect(try await inventory.passport("B-2").recalls == ["RC-1"])
        #expect(try await inventory.verify().ok)
    }

    @Test("component lots select every unit containing them now; other criteria narrow that")
    func componentLots() async throws {
        let inventory = try await plant()
        let all = try await inventory.createRecall(
            id: "RC-C", reason: "cells", criteria: criteria { $0.componentLots = [LotRef(sku: "EVM-200", lot: "BAD")] },
            context: .dock)
        #expect(Set(all.units.map(\.unit)) == [motor("M-1"), motor("M-2"), motor("M-3"), pack("B-1"), pack("B-2")])
        let narrowed = try await inventory.createRecall(
            id: "RC-D", reason: "only the packs",
            criteria: criteria {
                $0.componentLots = [LotRef(sku: "EVM-200", lot: "BAD")]
                $0.products = ["BP-75"]
            }, context: .dock)
        #expect(Set(narrowed.units.map(\.unit)) == [pack("B-1"), pack("B-2")])
        // B-2 is in both recalls; both see it. It was quarantined by the first, so the second leaves it be.
        #expect(Set(try await inventory.passport("B-2").recalls) == ["RC-C", "RC-D"])
        #expect(narrowed.units.first { $0.unit == pack("B-2") }?.quarantined == false)
    }

    @Test("a removed part no longer brings its old parent into a recall")
    func removedPart() async throws {
        let inventory = try await plant()
        _ = try await inventory.remove(AssemblyRequest(parent: "B-2", components: ["M-2"]), context: .dock)
        let report = try await inventory.createRecall(
            id: "RC-2", reason: "noise", criteria: criteria { $0.lots = [LotRef(sku: "EVM-200", lot: "BAD")] },
            context: .dock)
        #expect(!report.units.contains { $0.unit == pack("B-2") })
        #expect(report.units.contains { $0.unit == motor("M-2") && $0.partition == .inStock })
    }

    @Test("run, made-on, supplier, serial range and product criteria each hold")
    func otherCriteria() async throws {
        let inventory = try await plant()
        func units(_ id: String, _ build: (inout RecallCriteria) -> Void) async throws -> Set<UnitKey> {
            Set(
                try await inventory.createRecall(id: id, reason: "test", criteria: criteria(build), context: .dock)
                    .units.map(\.unit))
        }
        #expect(try await units("R1") { $0.runs = ["R-GOOD"] } == [motor("M-4"), pack("B-3")])
        #expect(
            try await units("R2") {
                $0.equipment = ["W-3"]; $0.products = ["EVM-200"]
            }.count == 5)
        #expect(
            try await units("R3") {
                $0.suppliers = ["MOTORCO"]
                $0.serialRanges = [SerialRange(sku: "EVM-200", from: "M-3", to: "M-4")]
            } == [motor("M-3"), motor("M-4"), pack("B-3")])
        #expect(
            try await units("R4") {
                $0.madeFrom = try? CalendarDay(parsing: "2026-09-29")
                $0.products = ["EVM-200"]
            }.isEmpty)
        #expect(try await units("R5") { $0.products = ["BP-75"] }.count == 4)
    }

    @Test("criteria that match nothing make an empty recall that says so; bad criteria are refused and write nothing")
    func badInput() async throws {
        let inventory = try await plant()
        let empty = try await inventory.createRecall(
            id: "RC-0", reason: "nothing",
            criteria: criteria { $0.serialRanges = [SerialRange(sku: "EVM-200", from: "X-1", to: "X-9")] },
            context: .dock)
        #expect(empty.units.isEmpty)
        #expect(RecallJSON(empty).message?.contains("match no unit") == true)
        let head = try await inventory.store.head()
        for (id, bad) in [
            ("RC-A", criteria { $0.lots = [LotRef(sku: "EVM-200", lot: "NOPE")] }),
            ("RC-B", criteria { $0.runs = ["R-NOPE"] }),
            ("RC-C", criteria { $0.products = ["NOPE"] }),
            ("RC-D", RecallCriteria()),
            ("RC-0", criteria { $0.products = ["EVM-200"] }),
        ] {
            await #expect(throws: InputError.self, "\(id)") {
                _ = try await inventory.createRecall(id: id, reason: "x", criteria: bad, context: .dock)
            }
        }
        await #expect(throws: InputError.self) {
            _ = try await inventory.createRecall(
                id: "RC-E", reason: " ", criteria: criteria { $0.products = ["EVM-200"] }, context: .dock)
        }
        #expect(try await inventory.store.head() == head)
        #expect(try await inventory.recalls().map(\.recall.id) == ["RC-0"])
    }

    @Test("outcomes close units; close is refused while units are open unless forced with a reason")
    func progressAndClose() async throws {
        let inventory = try await plant()
        _ = try await inventory.createRecall(
            id: "RC-1", reason: "noise", criteria: criteria { $0.lots = [LotRef(sku: "EVM-200", lot: "BAD")] },
            context: .dock)
        var report = try await inventory.recordRecallOutcome(
            "RC-1", units: ["B-1", "BP-75/B-2"], outcome: .repaired, context: .dock)
        #expect(report.closedCount == 2)
        #expect(report.byOutcome == [.repaired: 2])
        await #expect(throws: BatchRejected.self) {
            _ = try await inventory.recordRecallOutcome("RC-1", units: ["B-3"], outcome: .repaired, context: .dock)
        }
        await #expect(throws: InputError.self) { _ = try await inventory.closeRecall("RC-1", context: .dock) }
        await #expect(throws: InputError.self) {
            _ = try await inventory.closeRecall("RC-1", force: true, context: .dock)
        }
        report = try await inventory.closeRecall("RC-1", force: true, reason: "rest handled by dealer", context: .dock)
        #expect(report.recall.state == .closed && report.recall.forcedReason == "rest handled by dealer")
        #expect(try await inventory.passport("B-2").recalls.isEmpty, "a closed recall flags nothing")
        let csv = RecallJSON(report).csv
        #expect(csv.hasPrefix("recall,reason,criteria,made_at,unit,partition"))
        #expect(csv.contains("RC-1,noise,lots EVM-200/BAD,"))
        #expect(csv.split(separator: "\r\n").count == 1 + report.units.count)
    }

    @Test("a unit received after the recall that meets its criteria is quarantined and joins it at once")
    func caughtOnReceipt() async throws {
        let inventory = try await plant()
        _ = try await inventory.createRecall(
            id: "RC-1", reason: "noise", criteria: criteria { $0.lines = ["L1"] }, context: .dock)
        let outcome = try await inventory.receive(
            ReceiveRequest(sku: "EVM-200", location: "WH1-B", lines: [ReceiveLine(serial: "M-9")], lot: "BAD"),
            context: .dock)
        #expect(outcome.recalled == [motor("M-9"): ["RC-1"]])
        #expect(try await inventory.store.states(of: [motor("M-9")])[motor("M-9")]?.status == .quarantined)
        let report = try await inventory.recall("RC-1")
        #expect(report.units.contains { $0.unit == motor("M-9") && $0.reason.hasPrefix("received after the recall") })
        // A unit of another line is received as usual.
        let other = try await inventory.receive(
            ReceiveRequest(sku: "EVM-200", location: "WH1-B", lines: [ReceiveLine(serial: "M-10")], lot: "GOOD"),
            context: .dock)
        #expect(other.recalled.isEmpty)
        #expect(try await inventory.verify().ok)
    }

    @Test("a recalled unit scanned by any verb is flagged with its recall")
    func flaggedOnScan() async throws {
        let inventory = try await plant()
        _ = try await inventory.createRecall(
            id: "RC-1", reason: "noise", criteria: criteria { $0.lines = ["L1"] }, context: .dock)
        let moved = try await inventory.move(["BP-75/B-2"], to: "WH1-B", context: .dock)
        #expect(moved.recalled == [pack("B-2"): ["RC-1"]])
        let returned = try await inventory.returnUnits(
            ["BP-75/B-1"], to: "WH1-B", context: .at("2026-11-30T10:00:00+01:00", reason: "noise"))
        #expect(returned.recalled == [pack("B-1"): ["RC-1"]])
    }
}
