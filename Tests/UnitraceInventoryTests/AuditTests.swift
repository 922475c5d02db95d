import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

/// Appends `kind` for `unit` straight to the store, past every rule of the doors, leaving its state as it is:
/// what an import from another system or an edit of the store can leave behind.
private func forge(_ kind: EventKind, _ unit: UnitKey, _ inventory: Inventory) async throws {
    let state = try #require(try await inventory.store.states(of: [unit])[unit])
    var event = inventory.newEvent(
        kind, context: .dock, location: state.location,
        sale: kind == .sell ? Sale(customer: "C-2", channel: "online") : nil,
        lines: [EventLine(unit: unit)])
    event.reason = "forged"
    _ = try await inventory.store.commit(
        CommitBatch(items: [.init(event: event)], changes: [.init(before: state, after: state, lastItem: 0)]))
}

@Suite("Data audit")
struct AuditTests {
    @Test("a clean store passes every check")
    func clean() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
        let report = try await inventory.audit()
        #expect(report.ok)
        #expect(report.units == 2)
        #expect(report.findings.count == AuditReport.Check.allCases.count)
    }

    @Test(
        "serials off their template, ambiguous serials, colliding aliases and expired sellable stock are each counted, with examples"
    )
    func identifiersAndExpiry() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.addProduct(
            Product(sku: "PUMP", name: "Pump", gtin: "03760123450027", serialTemplate: try SerialTemplate("P-{seq:6}")))
        // A GS1 label's serial is the manufacturer's: it is taken as printed, template or not.
        _ = try await inventory.receive(
            ReceiveRequest(sku: nil, location: "WH1-B", lines: [try ReceiveLine(parsing: "(01)03760123450027(21)X9")]),
            context: .dock)
        try await Warehouse.receiveMotors(inventory, ["S-1"])
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "BP-75", location: "WH1-B",
                lines: [
                    ReceiveLine(serial: "S-1"), ReceiveLine(serial: "B-2", aliases: [try Alias(parsing: "own:S-1")]),
                ]),
            context: .dock)
        _ = try await inventory.receiveStock(
            [
                StockLineRequest(
                    sku: "YOG-1", lot: "OLD", quantity: "3",
                    details: LotDetails(expiry: try CalendarDay(parsing: "2026-11-01")))
            ], at: "WH1-B", context: .dock)

        let report = try await inventory.audit()
        func finding(_ check: AuditReport.Check) -> AuditReport.Finding {
            report.findings.first { $0.check == check }!
        }
        #expect(!report.ok)
        #expect(finding(.ledger).count == 0)
        #expect(finding(.serialTemplate).count == 1)
        #expect(finding(.serialTemplate).examples.first?.hasPrefix("PUMP/X9") == true)
        #expect(finding(.ambiguousSerial).examples == ["S-1: BP-75, EVM-200"])
        #expect(finding(.aliasCollision).count == 2)
        #expect(finding(.expiredSellable).examples == ["YOG-1 lot OLD at WH1-B: 3, expired 2026-11-01"])
        #expect(finding(.soldTwice).count == 0)
    }

    @Test(
        "a unit sold twice without a return, and one with events after its scrapping, are found; the ledger check sees the broken replay too"
    )
    func impossibleHistories() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2", "M-3"])
        let m1 = UnitKey(sku: "EVM-200", serial: "M-1")
        let m2 = UnitKey(sku: "EVM-200", serial: "M-2")
        _ = try await inventory.sell(["M-1"], sale: Sale(customer: "C-1", channel: "online"), context: .dock)
        _ = try await inventory.scrap(["M-2"], context: .at("2026-11-27T11:00:00+01:00", reason: "dropped"))
        // A sale, a return and a sale again is a history the lifecycle allows.
        _ = try await inventory.sell(["M-3"], sale: Sale(customer: "C-1", channel: "online"), context: .dock)
        _ = try await inventory.returnUnits(
            ["M-3"], to: "WH1-B", context: .at("2026-11-27T12:00:00+01:00", reason: "changed mind"))
        try await forge(.sell, m1, inventory)
        try await forge(.move, m2, inventory)

        let report = try await inventory.audit()
        let byCheck = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.check, $0) })
        #expect(byCheck[.soldTwice]?.count == 1)
        #expect(byCheck[.soldTwice]?.examples.first?.hasPrefix("EVM-200/M-1: sold again") == true)
        #expect(byCheck[.seenAfterScrap]?.count == 1)
        #expect(byCheck[.seenAfterScrap]?.examples.first?.hasPrefix("EVM-200/M-2: move") == true)
        #expect((byCheck[.ledger]?.count ?? 0) > 0)
    }
}
