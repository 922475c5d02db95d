import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func warehouse() async throws -> Inventory {
    let inventory = try await Warehouse.make(on: try await TestStores.make())
    try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"], at: "WH1-A-01")
    try await Warehouse.receiveMotors(inventory, ["M-3"], at: "WH1-B")
    try await Warehouse.receiveMotors(inventory, ["M-4", "M-5"], at: "SHOP")
    _ = try await inventory.sell(["EVM-200/M-5"], sale: Sale(customer: "C-1", channel: "store:SHOP"), context: .dock)
    _ = try await inventory.receiveStock(
        [
            StockLineRequest(
                sku: "YOG-1", lot: "L-1", quantity: "5",
                details: LotDetails(expiry: try CalendarDay(parsing: "2026-12-20")))
        ],
        at: "WH1-A-01", context: .dock)
    return inventory
}

@Suite("Cycle counts")
struct CountTests {
    @Test(
        "a count's result lists matched, missing, unexpected (with where), unknown, duplicates, wrong status and quantity differences; nothing changes before approval"
    )
    func result() async throws {
        let inventory = try await warehouse()
        let count = try await inventory.openCount(location: "WH1", context: .dock)
        #expect(count.expected.units.count == 3)
        let head = try await inventory.store.head()
        _ = try await inventory.addCountScans(
            count.id,
            scans: ["EVM-200/M-1", "M-4", "EVM-200/M-1", "M-5", "NEVER-SEEN", "(01)03760123450010(21)FAKE-9"],
            at: "WH1-A-01", context: .dock)
        let total = try await inventory.addCountScans(
            count.id, scans: ["M-2"], quantities: [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "4")],
            at: "WH1-B", context: .dock)
        #expect(total == 8)
        let result = try await inventory.closeCount(count.id)
        #expect(result.matched.map(\.serial).sorted() == ["M-1", "M-2"])
        #expect(result.relocated.map(\.unit.serial) == ["M-2"])
        #expect(result.missing.map(\.serial) == ["M-3"])
        #expect(result.unexpected.map(\.unit.serial) == ["M-4"])
        #expect(result.unexpected.first?.ledgerLocation == "SHOP")
        #expect(result.wrongStatus.map(\.unit.serial) == ["M-5"])
        #expect(result.wrongStatus.first?.status == .sold)
        #expect(result.unknown.map(\.scan) == ["NEVER-SEEN", "(01)03760123450010(21)FAKE-9"])
        #expect(result.duplicates.map(\.line) == [3])
        #expect(
            result.differences == [
                .init(
                    key: StockKey(sku: "YOG-1", lot: "L-1", location: "WH1-A-01"), expected: Quantity(whole: 5),
                    counted: .zero),
                .init(
                    key: StockKey(sku: "YOG-1", lot: "L-1", location: "WH1-B"), expected: .zero,
                    counted: Quantity(whole: 4)),
            ])
        #expect(try await inventory.store.head() == head)

        // Closed: no more scans, no second close.
        await #expect(throws: InputError.self) {
            try await inventory.addCountScans(count.id, scans: ["M-3"], context: .dock)
        }
        let again = try await #require(throws: InputError.self) { try await inventory.closeCount(count.id) }
        #expect(again.message.contains("cannot be closed again"))

        let (approved, receipt) = try await inventory.approveCount(count.id, context: .dock)
        #expect(approved.count.state == .approved)
        #expect(receipt != nil)
        let states = try await inventory.store.states(of: [
            UnitKey(sku: "EVM-200", serial: "M-2"), UnitKey(sku: "EVM-200", serial: "M-3"),
            UnitKey(sku: "EVM-200", serial: "M-4"), UnitKey(sku: "EVM-200", serial: "M-5"),
        ])
        #expect(states[UnitKey(sku: "EVM-200", serial: "M-2")]?.location == "WH1-B")
        #expect(states[UnitKey(sku: "EVM-200", serial: "M-3")]?.status == .missing)
        #expect(states[UnitKey(sku: "EVM-200", serial: "M-4")]?.location == "WH1-A-01")
        #expect(states[UnitKey(sku: "EVM-200", serial: "M-5")]?.status == .sold)
        let levels = try await inventory.stockLevels(sku: "YOG-1")
        #expect(levels.map(\.key.location) == ["WH1-B"])
        #expect(levels.map(\.quantity) == [Quantity(whole: 4)])
        #expect(try await inventory.verify().ok)
        await #expect(throws: InputError.self) { try await inventory.approveCount(count.id, context: .dock) }

        // The missing unit turns up in the next count: found.
        let next = try await inventory.openCount(location: "WH1-B", products: ["EVM-200"], context: .dock)
        _ = try await inventory.addCountScans(next.id, scans: ["M-3", "M-2"], context: .dock)
        let nextResult = try await inventory.closeCount(next.id)
        #expect(nextResult.unexpected.map(\.status) == [.missing])
        _ = try await inventory.approveCount(next.id, context: .dock)
        #expect(
            try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-3")]).first?.value.status
                == .inStock)
    }

    @Test("approving a count whose location changed since it was opened is refused, with what changed")
    func changedMeanwhile() async throws {
        let inventory = try await warehouse()
        let count = try await inventory.openCount(location: "WH1-A-01", context: .dock)
        _ = try await inventory.addCountScans(count.id, scans: ["M-1", "M-2"], context: .dock)
        _ = try await inventory.move(["EVM-200/M-2"], to: "WH1-B", context: .dock)
        _ = try await inventory.closeCount(count.id)
        let head = try await inventory.store.head()
        let refused = try await #require(throws: InputError.self) {
            try await inventory.approveCount(count.id, context: .dock)
        }
        #expect(refused.message.contains("has changed since count \(count.id) was opened"))
        #expect(refused.message.contains("first EVM-200/M-2"))
        #expect(try await inventory.store.head() == head)
    }

    @Test("counts refuse a location that does not exist, scans outside it, and an open count cannot be approved")
    func badInput() async throws {
        let inventory = try await warehouse()
        await #expect(throws: InputError.self) { try await inventory.openCount(location: "NOWHERE", context: .dock) }
        await #expect(throws: InputError.self) {
            try await inventory.openCount(location: "WH1", products: ["NOPE"], context: .dock)
        }
        let count = try await inventory.openCount(location: "WH1-A", context: .dock)
        let outside = try await #require(throws: InputError.self) {
            try await inventory.addCountScans(count.id, scans: ["M-1"], at: "SHOP", context: .dock)
        }
        #expect(outside.message == "SHOP is not WH1-A or a place beneath it")
        await #expect(throws: InputError.self) {
            try await inventory.addCountScans(count.id, scans: [], context: .dock)
        }
        await #expect(throws: InputError.self) { try await inventory.approveCount(count.id, context: .dock) }
        await #expect(throws: InputError.self) { try await inventory.countResult("C-NOPE") }
    }

    @Test("a sample draws bins that hold stock, or units, from beneath a location")
    func sample() async throws {
        let inventory = try await warehouse()
        let bins = try await inventory.countSample(location: "WH1", bins: 1)
        #expect(bins.count == 1)
        #expect(["WH1-A-01", "WH1-B"].contains(bins[0]))
        let units = try await inventory.countSample(location: "WH1", units: 2)
        #expect(units.count == 2)
        #expect(Set(units).isSubset(of: ["EVM-200/M-1", "EVM-200/M-2", "EVM-200/M-3"]))
        await #expect(throws: InputError.self) { try await inventory.countSample(location: "WH1") }
    }
}
