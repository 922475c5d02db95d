import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func warehouse() async throws -> Inventory {
    try await Warehouse.make(on: try await TestStores.make())
}

private func day(_ text: String) -> CalendarDay { try! CalendarDay(parsing: text) }

private func yoghurt(_ lot: String, _ quantity: String, expiry: String? = nil, madeOn: String? = nil)
    -> StockLineRequest
{
    StockLineRequest(
        sku: "YOG-1", lot: lot, quantity: quantity,
        details: LotDetails(madeOn: madeOn.map(day), expiry: expiry.map(day)))
}

private func level(_ inventory: Inventory, _ sku: String, lot: String? = nil, at location: String) async throws
    -> Quantity
{
    let key = StockKey(sku: sku, lot: lot, location: location)
    return try await inventory.store.stockLevels(of: [key])[key] ?? .zero
}

@Suite("Lots and quantities")
struct LotStockTests {
    @Test("a receipt defines its lot in the ledger, with the expiry given or from the product's shelf life")
    func receiveDefinesLots() async throws {
        let inventory = try await warehouse()
        let outcome = try await inventory.receiveStock(
            [yoghurt("L-1", "12.5", expiry: "2026-12-10"), yoghurt("L-2", "4", madeOn: "2026-11-20")], at: "WH1-A-01",
            context: .dock)
        #expect(outcome.lots.map(\.code) == ["L-1", "L-2"])
        #expect(outcome.lots[1].expiry == day("2026-12-11"))
        #expect(try await level(inventory, "YOG-1", lot: "L-1", at: "WH1-A-01") == Quantity(thousandths: 12_500))
        let stored = try #require(try await inventory.store.event(sequence: outcome.receipt.lastSequence))
        #expect(stored.event.lots?.map(\.code) == ["L-1", "L-2"])
        #expect(stored.event.quantities?.map(\.uom) == ["KGM", "KGM"])

        // A second receipt of a known lot adds to it and defines nothing; other dates are refused.
        let again = try await inventory.receiveStock([yoghurt("L-1", "0.5")], at: "WH1-A-01", context: .dock)
        #expect(again.lots.isEmpty)
        #expect(try await level(inventory, "YOG-1", lot: "L-1", at: "WH1-A-01") == Quantity(whole: 13))
        let error = try await #require(throws: InputError.self) {
            try await inventory.receiveStock(
                [yoghurt("L-1", "1", expiry: "2027-01-01")], at: "WH1-A-01", context: .dock)
        }
        #expect(error.code == .lotMismatch)
        #expect(error.message.contains("expiry 2026-12-10"))
        #expect(try await inventory.verify().ok)
    }

    @Test("bad quantities and lots are refused with the reason, and nothing is written")
    func badInput() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [yoghurt("L-1", "5", expiry: "2026-12-10")], at: "WH1-A-01", context: .dock)
        let head = try await inventory.store.head()
        func refused(_ lines: [StockLineRequest], _ code: InputError.Code, _ words: String) async throws {
            let error = try await #require(throws: InputError.self) {
                try await inventory.receiveStock(lines, at: "WH1-A-01", context: .dock)
            }
            #expect(error.code == code)
            #expect(error.message.contains(words), "\(error.message)")
        }
        try await refused([StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "0")], .invalidField, "positive")
        try await refused([StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "-3")], .invalidField, "positive")
        try await refused([StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "1.2345")], .invalidField, "3 decimals")
        try await refused([StockLineRequest(sku: "YOG-1", quantity: "2")], .invalidField, "name the lot")
        try await refused(
            [StockLineRequest(sku: "SCREW-4", lot: "L-9", quantity: "2")], .wrongTrackingMode, "bulk: it has no lots")
        try await refused([StockLineRequest(sku: "SCREW-4", quantity: "2.5")], .invalidField, "whole pieces")
        try await refused([StockLineRequest(sku: "EVM-200", quantity: "2")], .wrongTrackingMode, "serialized")
        try await refused(
            [
                StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "1"),
                StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "2"),
            ],
            .invalidField, "given twice")
        try await refused([], .nothingToDo, "no quantities")
        await #expect(throws: InputError.self) {
            try await inventory.receiveStock([yoghurt("L-5", "1")], at: "NOWHERE", context: .dock)
        }
        let unknownLot = try await #require(throws: BatchRejected.self) {
            try await inventory.moveStock(
                [StockLineRequest(sku: "YOG-1", lot: "L-404", quantity: "1")], from: "WH1-A-01", to: "WH1-B",
                context: .dock)
        }
        #expect(unknownLot.problems.map(\.code) == ["unknown-lot"])
        #expect(try await inventory.store.head() == head)
        #expect(try await level(inventory, "YOG-1", lot: "L-1", at: "WH1-A-01") == Quantity(whole: 5))
    }

    @Test("stock never goes below zero: taking more than there is is refused with what there is")
    func neverNegative() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "WH1-A-01", context: .dock)
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.moveStock(
                [StockLineRequest(sku: "SCREW-4", quantity: "101")], from: "WH1-A-01", to: "WH1-B", context: .dock)
        }
        #expect(rejected.problems.map(\.code) == ["insufficient-stock"])
        #expect(rejected.problems[0].message == "only 100 of SCREW-4 at WH1-A-01 to take 101 from")
        _ = try await inventory.moveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], from: "WH1-A-01", to: "WH1-B", context: .dock)
        #expect(try await level(inventory, "SCREW-4", at: "WH1-A-01") == .zero)
        #expect(try await level(inventory, "SCREW-4", at: "WH1-B") == Quantity(whole: 100))
        #expect(try await inventory.stockLevels(sku: "SCREW-4").map(\.key.location) == ["WH1-B"])
        #expect(try await inventory.verify().ok)
    }

    @Test("two clerks taking the last 10 of a lot at once: one succeeds, the other is refused")
    func racingWriters() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock([yoghurt("L-1", "10", expiry: "2026-12-31")], at: "SHOP", context: .dock)
        let sale = Sale(customer: nil, channel: "store:SHOP")
        let errors = await withTaskGroup(of: (any Error)?.self) { group in
            for clerk in ["ada", "bob", "cy", "dee"] {
                group.addTask {
                    do {
                        _ = try await inventory.sellStock(
                            [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "10")], from: nil, sale: sale,
                            context: EventContext(actor: clerk, occurredAt: EventContext.dock.occurredAt))
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var all: [(any Error)?] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(errors.filter { $0 == nil }.count == 1)
        for case let error? in errors {
            let rejected = try #require(error as? BatchRejected)
            #expect(rejected.problems.map(\.code) == ["insufficient-stock"])
        }
        #expect(try await level(inventory, "YOG-1", lot: "L-1", at: "SHOP") == .zero)
        #expect(try await inventory.verify().ok)
    }

    @Test(
        "a pick suggests lots first-expired-first-out and skips expired ones; an expired lot cannot be picked or sold")
    func firstExpiredFirstOut() async throws {
        let inventory = try await warehouse()
        // The fixed clock says 2026-11-27.
        _ = try await inventory.receiveStock(
            [
                yoghurt("L-LATE", "10", expiry: "2026-12-20"), yoghurt("L-OLD", "10", expiry: "2026-11-20"),
                yoghurt("L-SOON", "4", expiry: "2026-12-01"),
            ], at: "WH1-A-01", context: .at("2026-11-10T08:00:00+01:00"))
        _ = try await inventory.receiveStock([yoghurt("L-SOON", "3")], at: "WH1-B", context: .dock)
        let list = try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "9")], at: "WH1")
        #expect(list.lines.map(\.lot) == ["L-SOON", "L-SOON", "L-LATE"])
        #expect(list.lines.map(\.location) == ["WH1-A-01", "WH1-B", "WH1-A-01"])
        #expect(list.lines.map(\.quantity) == [Quantity(whole: 4), Quantity(whole: 3), Quantity(whole: 2)])
        #expect(list.short.isEmpty)
        let more = try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "30")], at: "WH1")
        #expect(more.short == ["YOG-1": Quantity(whole: 13)])

        let pickExpired = try await #require(throws: InputError.self) {
            try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "1", lot: "L-OLD")])
        }
        #expect(pickExpired.code == .expired)
        #expect(pickExpired.message == "lot L-OLD of YOG-1 expired on 2026-11-20: it cannot be picked")
        let sellExpired = try await #require(throws: BatchRejected.self) {
            try await inventory.sellStock(
                [StockLineRequest(sku: "YOG-1", lot: "L-OLD", quantity: "1")], from: "WH1-A-01",
                sale: Sale(customer: "C1", channel: "online"), context: .dock)
        }
        #expect(sellExpired.problems.map(\.code) == ["expired"])
        #expect(sellExpired.problems[0].message.contains("lot L-OLD of YOG-1 expired on 2026-11-20"))
        // Scrapping it stays allowed.
        var scrapContext = EventContext.dock
        scrapContext.reason = "expired"
        _ = try await inventory.scrapStock(
            [StockLineRequest(sku: "YOG-1", lot: "L-OLD", quantity: "10")], from: "WH1-A-01", context: scrapContext)
    }

    @Test(
        "a pick reads the place and what is beneath it, in one bin or across many, page after page, and nothing outside"
    )
    func pickWithinPlace() async throws {
        let inventory = try await warehouse()
        // W_1 has 20 bins, more than a pick reads bin by bin; WX1 looks like it to a careless pattern.
        for code in ["W_1", "WX1"] {
            _ = try await inventory.addLocation(Location(code: code, name: code, kind: .warehouse))
        }
        for bin in 0..<20 {
            _ = try await inventory.addLocation(
                Location(code: "W_1-\(bin)", name: "Bin \(bin)", kind: .bin, parent: "W_1"))
        }
        // 100 lots, one kilogram each, expiring a day apart; lot n sits in bin n % 20, its expiry counts down.
        for bin in 0..<20 {
            let lines = stride(from: bin, to: 100, by: 20).map { n in
                yoghurt(String(format: "L-%03d", n), "1", expiry: day("2027-06-01").adding(days: Int64(-n)).description)
            }
            _ = try await inventory.receiveStock(lines, at: "W_1-\(bin)", context: .dock)
        }
        _ = try await inventory.receiveStock([yoghurt("L-X", "50", expiry: "2026-12-01")], at: "WX1", context: .dock)
        try await Warehouse.receiveMotors(inventory, ["X-1"], at: "WX1")

        // Across the site: every lot, soonest expiry first (lot 99 first), over more than one page.
        let site = try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "100")], at: "W_1")
        #expect(site.short.isEmpty)
        #expect(site.lines.compactMap(\.lot) == (0..<100).reversed().map { String(format: "L-%03d", $0) })
        #expect(site.lines.count > Inventory.pickPage)
        // One bin: its five lots, in the same order, and what is missing is short.
        let bin = try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "6")], at: "W_1-7")
        #expect(bin.lines.map(\.lot) == ["L-087", "L-067", "L-047", "L-027", "L-007"])
        #expect(Set(bin.lines.map(\.location)) == ["W_1-7"])
        #expect(bin.short == ["YOG-1": Quantity(whole: 1)])
        // Nothing of WX1 is beneath W_1, for lots or for units.
        #expect(try await inventory.pick([PickRequest(sku: "EVM-200", quantity: "1")], at: "W_1").lines.isEmpty)
        #expect(try await inventory.store.find(UnitQuery(location: "W_1")).isEmpty)
        #expect(try await inventory.pick([PickRequest(sku: "EVM-200", quantity: "1")], at: "WX1").lines.count == 1)

        let unknown = try await #require(throws: InputError.self) {
            try await inventory.pick([PickRequest(sku: "YOG-1", quantity: "1")], at: "W-9")
        }
        #expect(unknown.code == .unknownLocation)
        #expect(unknown.message == "unknown location 'W-9'")
    }

    @Test("expiring lists lots and serialized units whose expiry is near, by location")
    func expiring() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [yoghurt("L-SOON", "4", expiry: "2026-12-01"), yoghurt("L-LATE", "10", expiry: "2027-03-01")],
            at: "WH1-A-01", context: .dock)
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: nil, location: "SHOP",
                lines: [try ReceiveLine(parsing: "(01)03760123450010(21)P-1(10)B7(17)261215")]),
            context: .dock)
        let soon = try await inventory.expiring(within: 30)
        #expect(soon.map(\.lot) == ["L-SOON", "B7"])
        #expect(soon.map(\.location) == ["WH1-A-01", "SHOP"])
        #expect(soon.map(\.units) == [false, true])
        #expect(try await inventory.expiring(within: 30, location: "WH1").map(\.lot) == ["L-SOON"])
        #expect(try await inventory.expiring(within: 1).isEmpty)
    }

    @Test("a serialized unit that carries an expiry cannot be sold once it has passed")
    func expiredUnit() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: nil, location: "SHOP",
                lines: [try ReceiveLine(parsing: "(01)03760123450010(21)P-1(10)B7(17)261120")]),
            context: .dock)
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.sell(["EVM-200/P-1"], sale: Sale(customer: nil, channel: "store:SHOP"), context: .dock)
        }
        #expect(rejected.problems.map(\.code) == ["expired"])
        #expect(rejected.problems[0].message.contains("lot B7 expired on 2026-11-20"))
    }

    @Test("a transfer is in transit between ship and arrive, then at its destination")
    func transfer() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "50")], at: "WH1-A-01", context: .dock)
        _ = try await inventory.shipStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "20")], from: "WH1-A-01", toLocation: "SHOP", context: .dock)
        let moving = try await inventory.stockLevels(sku: "SCREW-4", state: .inTransit)
        #expect(moving.map(\.key.location) == ["SHOP"])
        #expect(moving.map(\.quantity) == [Quantity(whole: 20)])
        let tooMany = try await #require(throws: BatchRejected.self) {
            try await inventory.arriveStock(
                [StockLineRequest(sku: "SCREW-4", quantity: "21")], at: "SHOP", context: .dock)
        }
        #expect(tooMany.problems.map(\.code) == ["insufficient-stock"])
        _ = try await inventory.arriveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "20")], at: "SHOP", context: .dock)
        #expect(try await level(inventory, "SCREW-4", at: "SHOP") == Quantity(whole: 20))
        #expect(try await inventory.stockLevels(sku: "SCREW-4", state: .inTransit).isEmpty)
        // To a customer: out of stock, nothing in transit.
        _ = try await inventory.shipStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "5")], from: "SHOP", toCustomer: "C-9", context: .dock)
        #expect(try await level(inventory, "SCREW-4", at: "SHOP") == Quantity(whole: 15))
        #expect(try await inventory.verify().ok)
    }

    @Test("adjusting to a counted quantity records found or lost, with a reason")
    func adjust() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "50")], at: "WH1-B", context: .dock)
        let noReason = try await #require(throws: InputError.self) {
            try await inventory.adjustStock(sku: "SCREW-4", lot: nil, at: "WH1-B", to: "47", context: .dock)
        }
        #expect(noReason.code == .reasonRequired)
        let counted = EventContext.at("2026-11-27T11:00:00+01:00", reason: "cycle count")
        let lost = try await inventory.adjustStock(sku: "SCREW-4", lot: nil, at: "WH1-B", to: "47", context: counted)
        #expect(lost.kind == .lost)
        #expect(lost.lines.map(\.quantity) == ["3"])
        let found = try await inventory.adjustStock(sku: "SCREW-4", lot: nil, at: "WH1-B", by: "5", context: counted)
        #expect(found.kind == .found)
        #expect(try await level(inventory, "SCREW-4", at: "WH1-B") == Quantity(whole: 52))
        await #expect(throws: InputError.self) {
            try await inventory.adjustStock(sku: "SCREW-4", lot: nil, at: "WH1-B", to: "52", context: counted)
        }
        await #expect(throws: InputError.self) {
            try await inventory.adjustStock(sku: "SCREW-4", lot: nil, at: "WH1-B", to: "-1", context: counted)
        }
    }

    @Test("sales are tallied by location and channel; reorder suggests what to order from stock and sales speed")
    func salesAndReorder() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "SHOP", context: .dock)
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "100")], at: "WH1-A-01", context: .dock)
        _ = try await inventory.sellStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "56")], from: nil,
            sale: Sale(customer: nil, channel: "store:SHOP"),
            context: .dock)
        _ = try await inventory.sellStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "10")], from: "WH1-A-01",
            sale: Sale(customer: "C-1", channel: "online"), context: .dock)
        try await Warehouse.receiveMotors(inventory, ["M-1"], at: "SHOP")
        _ = try await inventory.sell(["EVM-200/M-1"], sale: Sale(customer: nil, channel: "store:SHOP"), context: .dock)

        let sales = try await inventory.sales(from: day("2026-11-01"), until: day("2026-11-30"))
        #expect(sales.map(\.sku) == ["SCREW-4", "SCREW-4", "EVM-200"])
        #expect(sales.map(\.location) == ["SHOP", "WH1-A-01", "SHOP"])
        #expect(sales.map(\.channel) == ["store", "online", "store"])
        #expect(sales.map(\.quantity) == [Quantity(whole: 56), Quantity(whole: 10), Quantity(whole: 1)])
        #expect(try await inventory.sales(from: day("2026-12-01"), until: day("2026-12-31")).isEmpty)

        _ = try await inventory.setReorderRule(sku: "SCREW-4", location: "SHOP", point: "50", quantity: "200")
        _ = try await inventory.setReorderRule(sku: "SCREW-4", location: "WH1-A-01", point: "20", quantity: "500")
        let lines = try await inventory.reorder(window: 28)
        #expect(lines.map(\.rule.location) == ["SHOP", "WH1-A-01"])
        #expect(lines.map(\.available) == [Quantity(whole: 44), Quantity(whole: 90)])
        #expect(lines.map(\.order) == [Quantity(whole: 200), .zero])
        #expect(lines[0].dailySales == Quantity(whole: 2))
        #expect(lines[0].daysOfCover == 22)
        await #expect(throws: InputError.self) {
            try await inventory.setReorderRule(sku: "SCREW-4", location: "SHOP", point: "5", quantity: "0")
        }
    }

    @Test("verify finds a stock row edited behind the ledger's back, and rebuild repairs it")
    func verifyAndRebuild() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receiveStock(
            [yoghurt("L-1", "5", expiry: "2026-12-10")], at: "WH1-A-01", context: .dock)
        try await inventory.store.replaceStock(with: Projections.StockTotals())
        let report = try await inventory.verify()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("stock row(s) differ") })
        #expect(report.problems.contains { $0.contains("lot(s) differ") })
        let rebuilt = try await inventory.rebuild()
        #expect(rebuilt.stockRewritten)
        #expect(try await inventory.verify().ok)
        #expect(try await level(inventory, "YOG-1", lot: "L-1", at: "WH1-A-01") == Quantity(whole: 5))
        #expect(try await inventory.lots(sku: "YOG-1").first?.expiry == day("2026-12-10"))
    }
}

@Suite("Quantities")
struct QuantityTests {
    @Test("quantities are exact to the thousandth and spelled shortest")
    func exact() throws {
        #expect(try Quantity(parsing: "12.50").description == "12.5")
        #expect(try Quantity(parsing: "0.1") + Quantity(parsing: "0.2") == Quantity(parsing: "0.3"))
        #expect(try Quantity(parsing: "-0.125").description == "-0.125")
        #expect(Quantity(thousandths: 1_005).description == "1.005")
        #expect(throws: InputError.self) { try Quantity(parsing: "1e3") }
        #expect(throws: InputError.self) { try Quantity(parsing: "1.") }
        #expect(throws: InputError.self) { try Quantity(parsing: "") }
        #expect(try CalendarDay(parsing: "2028-02-29").adding(days: 1).description == "2028-03-01")
        #expect(throws: InputError.self) { try CalendarDay(parsing: "2027-02-29") }
    }
}
