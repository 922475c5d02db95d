import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

/// The total the sales tally holds for `sku`.
private func sold(_ sku: String, _ inventory: Inventory) async throws -> Quantity {
    try await inventory.store.allSales().filter { $0.key.sku == sku }.values.reduce(.zero, +)
}

@Suite("Corrections undo stock and sales")
struct CorrectionProjectionTests {
    @Test(
        "correcting a sale of a quantity puts the stock back and takes the sale out of the tally; verify and rebuild agree"
    )
    func quantitySale() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "SHOP", context: .dock)
        let sale = try await inventory.sellStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "30")], from: nil,
            sale: Sale(customer: "C-1", channel: "store:SHOP"),
            context: .dock)
        let shelf = StockKey(sku: "SCREW-4", lot: nil, location: "SHOP")
        #expect(try await inventory.store.stockLevels(of: [shelf])[shelf] == Quantity(whole: 70))
        #expect(try await sold("SCREW-4", inventory) == Quantity(whole: 30))

        _ = try await inventory.correct(
            sequence: sale.receipt.firstSequence, context: .at("2026-11-27T12:00:00+01:00", reason: "rung up twice"))
        #expect(try await inventory.store.stockLevels(of: [shelf])[shelf] == Quantity(whole: 100))
        #expect(try await sold("SCREW-4", inventory) == .zero)
        #expect(try await inventory.verify().ok)
        _ = try await inventory.rebuild()
        #expect(try await inventory.verify().ok)
        #expect(try await inventory.store.stockLevels(of: [shelf])[shelf] == Quantity(whole: 100))

        // Once corrected, never again; and the correction itself is not corrected.
        let twice = try await #require(throws: InputError.self) {
            try await inventory.correct(
                sequence: sale.receipt.firstSequence, context: .at("2026-11-27T12:05:00+01:00", reason: "again"))
        }
        #expect(twice.message.contains("corrected already"))
        let head = try await inventory.store.head()
        let undo = try await #require(throws: InputError.self) {
            try await inventory.correct(
                sequence: head.sequence, context: .at("2026-11-27T12:05:00+01:00", reason: "oops"))
        }
        #expect(undo.message.contains("record that event again"))
        #expect(try await inventory.store.head() == head)
    }

    @Test("correcting a sale of a unit takes it out of the sales tally")
    func unitSale() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"], at: "SHOP")
        let outcome = try await inventory.sell(
            ["M-1", "M-2"], sale: Sale(customer: "C-1", channel: "store:SHOP"), context: .dock)
        #expect(try await sold("EVM-200", inventory) == Quantity(whole: 2))
        _ = try await inventory.correct(
            sequence: outcome.receipt.firstSequence, context: .at("2026-11-27T12:00:00+01:00", reason: "wrong till"))
        #expect(try await sold("EVM-200", inventory) == .zero)
        #expect(try await inventory.verify().ok)
    }

    @Test(
        "correcting a receipt whose quantity has partly left is refused, naming what is short, and nothing is written")
    func receiptMovedOn() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        let receipt = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "SHOP", context: .dock)
        _ = try await inventory.scrapStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "10")], from: "SHOP",
            context: .at("2026-11-27T11:00:00+01:00", reason: "rusty"))
        let head = try await inventory.store.head()
        let refused = try await #require(throws: BatchRejected.self) {
            try await inventory.correct(
                sequence: receipt.receipt.firstSequence, context: .at("2026-11-27T12:00:00+01:00", reason: "not ours"))
        }
        #expect(refused.problems.first?.code == "insufficient-stock")
        #expect(refused.description.contains("only 90"))
        #expect(try await inventory.store.head() == head)
    }
}
