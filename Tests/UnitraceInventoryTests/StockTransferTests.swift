import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func warehouse() async throws -> Inventory {
    try await Warehouse.stocked(on: try await TestStores.make(), stock: "WH1-B")
}

@Suite("Transfers between places and drop-ships")
struct StockTransferTests {
    @Test(
        "a request records nothing in the ledger; its units may be anywhere beneath the origin, its quantities at the origin itself"
    )
    func request() async throws {
        let inventory = try await warehouse()
        let head = try await inventory.store.head()
        let requested = try await inventory.requestTransfer(
            units: ["EVM-200/M-1", "M-2"], from: "WH1", toLocation: "SHOP", context: .dock)
        #expect(requested.state == .requested)
        #expect(requested.units.map(\.serial) == ["M-1", "M-2"])
        #expect(try await inventory.store.head() == head)
        let elsewhere = try await #require(throws: InputError.self) {
            try await inventory.requestTransfer(
                quantities: [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "5")], from: "WH1",
                toLocation: "SHOP", context: .dock)
        }
        #expect(elsewhere.message.contains("YOG-1 lot L-1 at WH1 holds 0"))
    }

    @Test("a transfer's shipment puts its units and quantities in transit, and its arrival at the destination")
    func shipAndArrive() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.moveStock(
            [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "20")], from: "WH1-B", to: "WH1-A-01",
            context: .dock)
        let id = try await inventory.requestTransfer(
            units: ["M-1", "M-2"], quantities: [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "5")],
            from: "WH1-A-01", toLocation: "SHOP", order: "ORD-7", context: .dock
        ).id
        let (shipped, _) = try await inventory.shipTransfer(id, context: .dock)
        #expect(shipped.state == .shipped)
        let m1 = UnitKey(sku: "EVM-200", serial: "M-1")
        #expect(try await inventory.store.states(of: [m1])[m1]?.status == .inTransit)
        let transit = StockKey(sku: "YOG-1", lot: "L-1", location: "SHOP", state: .inTransit)
        #expect(try await inventory.store.stockLevels(of: [transit])[transit] == Quantity(whole: 5))
        let listed = try await inventory.transfers(state: .shipped)
        #expect(listed.map(\.id) == [id])

        let again = try await #require(throws: InputError.self) { try await inventory.shipTransfer(id, context: .dock) }
        #expect(again.message.contains("is shipped, not requested"))
        await #expect(throws: InputError.self) {
            try await inventory.cancelTransfer(id, context: .at("2026-11-27T11:00:00+01:00", reason: "late"))
        }

        let (arrived, receipt) = try await inventory.arriveTransfer(id, context: .dock)
        #expect(arrived.state == .arrived)
        #expect(receipt != nil)
        let state = try #require(try await inventory.store.states(of: [m1])[m1])
        #expect(state.status == .inStock)
        #expect(state.location == "SHOP")
        let shelf = StockKey(sku: "YOG-1", lot: "L-1", location: "SHOP")
        #expect(try await inventory.store.stockLevels(of: [shelf, transit]) == [shelf: Quantity(whole: 5)])
        let events = try await inventory.store.events(after: 0, limit: 100, matching: EventFilter())
        let named = events.filter { $0.event.documents.contains(DocumentRef(type: "transfer", id: id)) }
        #expect(named.map(\.event.kind) == [.ship, .arrive])
        #expect(named.first?.event.documents.contains(DocumentRef(type: "order", id: "ORD-7")) == true)
        #expect(arrived.shipped?.event == named.first?.event.id)
    }

    @Test("a drop-ship goes from a drop-shipping supplier's place straight to the customer")
    func dropShip() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.addLocation(Location(code: "ACME-DS", name: "ACME drop-ship", kind: .dropShipper))
        try await Warehouse.receiveMotors(inventory, ["M-7"], at: "ACME-DS")
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "50")], at: "ACME-DS", context: .dock)
        let id = try await inventory.requestTransfer(
            units: ["M-7"], quantities: [StockLineRequest(sku: "SCREW-4", quantity: "10")], from: "ACME-DS",
            toCustomer: "C-9", context: .dock
        ).id
        let (shipped, _) = try await inventory.shipTransfer(id, context: .dock)
        #expect(shipped.isDropShip)
        let shelf = StockKey(sku: "SCREW-4", lot: nil, location: "ACME-DS")
        #expect(try await inventory.store.stockLevels(of: [shelf])[shelf] == Quantity(whole: 40))
        _ = try await inventory.arriveTransfer(id, context: .dock)
        let m7 = UnitKey(sku: "EVM-200", serial: "M-7")
        let state = try #require(try await inventory.store.states(of: [m7])[m7])
        #expect(state.location == BuiltInLocation.customer)
        #expect(state.owner == "C-9")

        // Quantities alone: they leave stock when shipped; the delivery records no further event.
        let screws = try await inventory.requestTransfer(
            quantities: [StockLineRequest(sku: "SCREW-4", quantity: "5")], from: "ACME-DS", toCustomer: "C-9",
            context: .dock
        ).id
        _ = try await inventory.shipTransfer(screws, context: .dock)
        let (delivered, receipt) = try await inventory.arriveTransfer(screws, context: .dock)
        #expect(delivered.state == .arrived)
        #expect(receipt == nil)
    }

    @Test(
        "a unit not in stock at the origin, more than is there, the origin as destination or a cancel without reason are refused, and nothing is recorded"
    )
    func refusals() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-8"], at: "SHOP")
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.requestTransfer(units: ["M-1", "M-8"], from: "WH1", toLocation: "SHOP", context: .dock)
        }
        #expect(rejected.problems.map(\.line) == [2])
        #expect(rejected.problems.first?.message.contains("not in stock at WH1") == true)
        let short = try await #require(throws: InputError.self) {
            try await inventory.requestTransfer(
                quantities: [StockLineRequest(sku: "SCREW-4", quantity: "501")], from: "WH1-B", toLocation: "SHOP",
                context: .dock)
        }
        #expect(short.code == .insufficientStock)
        let same = try await #require(throws: InputError.self) {
            try await inventory.requestTransfer(units: ["M-1"], from: "SHOP", toLocation: "SHOP", context: .dock)
        }
        #expect(same.message.contains("goes somewhere else"))
        await #expect(throws: InputError.self) {
            try await inventory.requestTransfer(units: ["M-1"], from: "NOWHERE", toLocation: "SHOP", context: .dock)
        }
        #expect(try await inventory.transfers().isEmpty)

        let id = try await inventory.requestTransfer(units: ["M-1"], from: "WH1", toLocation: "SHOP", context: .dock).id
        let unexplained = try await #require(throws: InputError.self) {
            try await inventory.cancelTransfer(id, context: .dock)
        }
        #expect(unexplained.code == .reasonRequired)
        let cancelled = try await inventory.cancelTransfer(
            id, context: .at("2026-11-27T11:00:00+01:00", reason: "customer changed mind"))
        #expect(cancelled.state == .cancelled)
        await #expect(throws: InputError.self) { try await inventory.shipTransfer(id, context: .dock) }
        let unknown = try await #require(throws: InputError.self) { try await inventory.transfer("T-NOPE") }
        #expect(unknown.code == .unknownTransfer)
    }

    @Test(
        "a unit sold after its transfer was requested is refused at shipment by the ledger's rules, and the transfer stays requested"
    )
    func rulesAtShipment() async throws {
        let inventory = try await warehouse()
        let id = try await inventory.requestTransfer(units: ["M-3"], from: "WH1", toLocation: "SHOP", context: .dock).id
        _ = try await inventory.scrap(["M-3"], context: .at("2026-11-27T11:00:00+01:00", reason: "dropped"))
        await #expect(throws: BatchRejected.self) { try await inventory.shipTransfer(id, context: .dock) }
        #expect(try await inventory.transfer(id).state == .requested)
    }
}
