import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func warehouse() async throws -> Inventory {
    try await Warehouse.make(on: try await TestStores.make())
}

/// The fixed clock starts at 2026-11-27T09:00+01:00.
private let tomorrow = try! Timestamp(iso8601: "2026-11-28T18:00:00+01:00")

@Suite("Holds and availability")
struct HoldTests {
    @Test("a held unit is sold only to the customer it is held for, whose sale closes the hold")
    func heldUnit() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"], at: "SHOP")
        let hold = try await inventory.hold(
            HoldRequest(unit: "EVM-200/M-1", customer: "C-7", until: tomorrow), context: .dock)
        #expect(hold.unit == UnitKey(sku: "EVM-200", serial: "M-1"))
        let head = try await inventory.store.head()
        let refused = try await #require(throws: BatchRejected.self) {
            try await inventory.sell(
                ["EVM-200/M-1"], sale: Sale(customer: "C-8", channel: "store:SHOP"), context: .dock)
        }
        #expect(refused.problems.map(\.code) == ["held"])
        #expect(refused.problems[0].message.contains("held for customer:C-7 until 2026-11-28T18:00:00.000+01:00"))
        #expect(try await inventory.store.head() == head)
        // Held again for someone else: refused; the holder buys it: the hold is fulfilled.
        await #expect(throws: InputError.self) {
            try await inventory.hold(HoldRequest(unit: "EVM-200/M-1", order: "O-1", until: tomorrow), context: .dock)
        }
        _ = try await inventory.sell(
            ["EVM-200/M-1"], sale: Sale(customer: "C-7", channel: "store:SHOP"), context: .dock)
        let closed = try #require(try await inventory.store.hold(id: hold.id))
        #expect(closed.outcome == .fulfilled)
        #expect(try await inventory.holds().isEmpty)
        // A unit that is not in stock cannot be held.
        await #expect(throws: BatchRejected.self) {
            try await inventory.hold(HoldRequest(unit: "EVM-200/M-1", customer: "C-9", until: tomorrow), context: .dock)
        }
    }

    @Test("a hold for an order is honoured by a sale that names the order; a released hold frees the unit")
    func orderHold() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"], at: "SHOP")
        let hold = try await inventory.hold(HoldRequest(unit: "M-1", order: "O-42", until: tomorrow), context: .dock)
        var context = EventContext.dock
        context.documents = [DocumentRef(type: "order", id: "O-42")]
        _ = try await inventory.ship(["EVM-200/M-1"], toCustomer: "C-1", context: context)
        #expect(try await inventory.store.hold(id: hold.id)?.outcome == .fulfilled)

        try await Warehouse.receiveMotors(inventory, ["M-2"], at: "SHOP")
        let other = try await inventory.hold(HoldRequest(unit: "M-2", order: "O-43", until: tomorrow), context: .dock)
        #expect(try await inventory.releaseHold(id: other.id).outcome == .released)
        await #expect(throws: InputError.self) { try await inventory.releaseHold(id: other.id) }
        _ = try await inventory.sell(
            ["EVM-200/M-2"], sale: Sale(customer: "C-2", channel: "store:SHOP"), context: .dock)
    }

    @Test("a held quantity is kept back from other buyers, from picks and from availability")
    func heldQuantity() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "SHOP", context: .dock)
        _ = try await inventory.hold(
            HoldRequest(sku: "SCREW-4", location: "SHOP", quantity: "70", customer: "C-1", until: tomorrow),
            context: .dock)
        let tooMuch = try await #require(throws: InputError.self) {
            try await inventory.hold(
                HoldRequest(sku: "SCREW-4", location: "SHOP", quantity: "31", customer: "C-2", until: tomorrow),
                context: .dock)
        }
        #expect(tooMuch.message == "only 30 of SCREW-4 at SHOP is in stock and not held; 31 asked")
        let refused = try await #require(throws: BatchRejected.self) {
            try await inventory.sellStock(
                [StockLineRequest(sku: "SCREW-4", quantity: "31")], from: nil,
                sale: Sale(customer: "C-2", channel: "store:SHOP"), context: .dock)
        }
        #expect(refused.problems.map(\.code) == ["held"])
        let list = try await inventory.pick([PickRequest(sku: "SCREW-4", quantity: "50")])
        #expect(list.lines.map(\.quantity) == [Quantity(whole: 30)])
        #expect(list.short == ["SCREW-4": Quantity(whole: 20)])
        let where_ = try await inventory.availability(sku: "SCREW-4")
        #expect(where_.map(\.available) == [Quantity(whole: 30)])
        #expect(where_.map(\.held) == [Quantity(whole: 70)])
        // The holder may take what is held for it.
        _ = try await inventory.sellStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "80")], from: nil,
            sale: Sale(customer: "C-1", channel: "store:SHOP"), context: .dock)
        #expect(try await inventory.holds().isEmpty)
    }

    @Test("availability lists, per location, units in stock with the attributes asked and not held")
    func availability() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"], at: "SHOP")
        try await Warehouse.receiveMotors(inventory, ["M-3"], at: "WH1-A-01")
        _ = try await inventory.hold(HoldRequest(unit: "M-2", customer: "C-1", until: tomorrow), context: .dock)
        let rows = try await inventory.availability(sku: "EVM-200")
        #expect(rows.map(\.location) == ["SHOP", "WH1-A-01"])
        #expect(rows.map(\.available) == [Quantity(whole: 1), Quantity(whole: 1)])
        #expect(rows.map(\.held) == [Quantity(whole: 1), .zero])
        #expect(try await inventory.availability(sku: "EVM-200", location: "WH1").map(\.location) == ["WH1-A-01"])
        #expect(try await inventory.availability(sku: "EVM-200", attributes: ["colour": "red"]).isEmpty)
        await #expect(throws: InputError.self) {
            try await inventory.hold(
                HoldRequest(unit: "M-1", customer: "C-1", until: try Timestamp(iso8601: "2026-11-27T08:00:00+01:00")),
                context: .dock)
        }
    }
}
