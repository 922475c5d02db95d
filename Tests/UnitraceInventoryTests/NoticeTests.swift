import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

/// An ASN of four motors (M-1 with lot A), one battery pack, 10 kg of yoghurt lot Y-1 and 100 screws,
/// ordered on 2026-11-20 and expected at WH1-A-01.
private func announced(_ inventory: Inventory, id: String = "ASN-1") async throws -> ShipNotice {
    try await inventory.addNotice(
        NoticeRequest(
            id: id, supplier: "ACME-MOTORS", order: "PO-7", orderedOn: "2026-11-20", location: "WH1-A-01",
            lines: [
                .init(sku: "EVM-200", serial: "M-1", lot: "A"), .init(sku: "EVM-200", serial: "M-2"),
                .init(sku: "EVM-200", serial: "M-3"), .init(sku: "EVM-200", serial: "M-4"),
                .init(sku: "BP-75", serial: "B-1"),
                .init(sku: "YOG-1", lot: "Y-1", quantity: "10", expiry: "2027-01-15"),
                .init(sku: "SCREW-4", quantity: "100"),
            ]),
        context: .dock)
}

@Suite("Receiving against advance ship notices")
struct NoticeTests {
    @Test(
        "a receipt lists matched, missing, unexpected, wrong product, wrong lot, duplicates, short and over; nothing is in the ledger before acceptance"
    )
    func result() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        let notice = try await announced(inventory)
        #expect(notice.state == .open)
        #expect(notice.documents.map(\.description) == ["desadv:ASN-1", "po:PO-7"])
        let head = try await inventory.store.head()
        let total = try await inventory.addNoticeScans(
            "ASN-1",
            scans: [
                "(01)03760123450010(21)M-1(10)B",  // M-1 with lot B, announced with lot A
                "M-2", "EVM-200/M-2",  // a double scan
                "EVM-200/M-9",  // not announced
                "EVM-200/B-1",  // announced as a battery pack
                "M-77",  // not announced, and a bare serial names no product
            ],
            quantities: [
                StockLineRequest(sku: "YOG-1", lot: "Y-1", quantity: "8"),
                StockLineRequest(sku: "SCREW-4", quantity: "120"),
            ], context: .dock)
        #expect(total == 8)
        let result = try await inventory.noticeResult("ASN-1")
        #expect(result.matched.map(\.unit.serial) == ["M-2"])
        #expect(result.wrongLot.map(\.scanned.unit.serial) == ["M-1"])
        #expect(result.wrongLot.first?.announced == "A")
        #expect(result.wrongLot.first?.scanned.lot == "B")
        #expect(result.duplicates.map(\.line) == [3])
        #expect(result.unexpected.map(\.unit) == [UnitKey(sku: "EVM-200", serial: "M-9")])
        #expect(result.wrongProduct.map(\.scanned.unit) == [UnitKey(sku: "EVM-200", serial: "B-1")])
        #expect(result.wrongProduct.first?.announced == "BP-75")
        #expect(result.unreadable.map(\.scan) == ["M-77"])
        #expect(result.missing.map(\.serial) == ["M-3", "M-4"])
        #expect(result.short.map(\.sku) == ["YOG-1"])
        #expect(result.short.first?.received == Quantity(whole: 8))
        #expect(result.over.map(\.sku) == ["SCREW-4"])
        #expect(!result.isClean)
        #expect(try await inventory.store.head() == head)
    }

    @Test("accepting in full receives everything that came, in one event referring to the notice, with the lead time")
    func acceptFull() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await announced(inventory)
        _ = try await inventory.addNoticeScans(
            "ASN-1", scans: ["(01)03760123450010(21)M-1(10)B", "M-2", "EVM-200/M-9"],
            quantities: [StockLineRequest(sku: "YOG-1", lot: "Y-1", quantity: "12")], context: .dock)
        let (result, receipt) = try await inventory.acceptNotice("ASN-1", .full, context: .dock)
        #expect(receipt.events == 1)
        #expect(result.notice.state == .accepted)
        #expect(result.notice.settlement?.leadTimeDays == 7)
        #expect(result.notice.settlement?.units == 3)
        let event = try #require(try await inventory.store.events(after: 0, limit: 100, matching: EventFilter()).last)
        #expect(event.event.kind == .receive)
        #expect(event.event.documents.map(\.description) == ["desadv:ASN-1", "po:PO-7"])
        #expect(event.event.units.map(\.serial) == ["M-1", "M-2", "M-9"])
        #expect(event.event.units.first?.lot == "B")
        #expect(event.event.lots?.first?.supplier == "ACME-MOTORS")
        #expect(event.event.lots?.first?.expiry == (try CalendarDay(parsing: "2027-01-15")))
        let states = try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-9")])
        #expect(states.first?.value.location == "WH1-A-01")
        let levels = try await inventory.store.stockLevels(of: [
            StockKey(sku: "YOG-1", lot: "Y-1", location: "WH1-A-01")
        ])
        #expect(levels.values.first == Quantity(whole: 12))

        // Settled: no second acceptance, no more scans, no refusal.
        let again = try await #require(throws: InputError.self) {
            try await inventory.acceptNotice("ASN-1", .full, context: .dock)
        }
        #expect(again.message.contains("already accepted"))
        await #expect(throws: InputError.self) {
            try await inventory.addNoticeScans("ASN-1", scans: ["M-3"], context: .dock)
        }
        let leads = try await inventory.leadTimes()
        #expect(leads.map(\.supplier) == ["ACME-MOTORS"])
        #expect(leads.first?.averageDays == 7)
    }

    @Test("accepting in part receives only what matches: matched units, and each quantity up to what was announced")
    func acceptPart() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await announced(inventory)
        _ = try await inventory.addNoticeScans(
            "ASN-1", scans: ["(01)03760123450010(21)M-1(10)B", "M-2", "EVM-200/M-9"],
            quantities: [
                StockLineRequest(sku: "YOG-1", lot: "Y-1", quantity: "12"),
                StockLineRequest(sku: "SCREW-4", quantity: "40"),
            ], context: .dock)
        let (result, _) = try await inventory.acceptNotice("ASN-1", .part, at: "WH1-B", context: .dock)
        #expect(result.notice.state == .partial)
        let states = try await inventory.store.states(of: [
            UnitKey(sku: "EVM-200", serial: "M-1"), UnitKey(sku: "EVM-200", serial: "M-2"),
            UnitKey(sku: "EVM-200", serial: "M-9"),
        ])
        #expect(states.keys.map(\.serial) == ["M-2"])
        #expect(states.values.first?.location == "WH1-B")
        let levels = try await inventory.store.stockLevels(of: [
            StockKey(sku: "YOG-1", lot: "Y-1", location: "WH1-B"),
            StockKey(sku: "SCREW-4", lot: nil, location: "WH1-B"),
        ])
        #expect(levels[StockKey(sku: "YOG-1", lot: "Y-1", location: "WH1-B")] == Quantity(whole: 10))
        #expect(levels[StockKey(sku: "SCREW-4", lot: nil, location: "WH1-B")] == Quantity(whole: 40))
    }

    @Test("refusing needs a reason, writes no event and settles the notice")
    func refuse() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await announced(inventory)
        _ = try await inventory.addNoticeScans("ASN-1", scans: ["M-2"], context: .dock)
        let head = try await inventory.store.head()
        let unexplained = try await #require(throws: InputError.self) {
            try await inventory.refuseNotice("ASN-1", context: .dock)
        }
        #expect(unexplained.code == .reasonRequired)
        let refused = try await inventory.refuseNotice(
            "ASN-1", context: .at("2026-11-27T11:00:00+01:00", reason: "crushed"))
        #expect(refused.state == .refused)
        #expect(refused.settlement?.reason == "crushed")
        #expect(try await inventory.store.notice(id: "ASN-1")?.state == .refused)
        #expect(try await inventory.store.head() == head)
        #expect(try await inventory.leadTimes().isEmpty)
    }

    @Test(
        "a receipt's units meet every rule of a receipt: a serial already in stock refuses the acceptance, and nothing is settled"
    )
    func rulesHold() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-2"], at: "SHOP")
        _ = try await announced(inventory)
        _ = try await inventory.addNoticeScans("ASN-1", scans: ["M-2"], context: .dock)
        await #expect(throws: BatchRejected.self) {
            try await inventory.acceptNotice("ASN-1", .full, context: .dock)
        }
        #expect(try await inventory.store.notice(id: "ASN-1")?.state == .open)
    }

    @Test(
        "a notice with duplicate lines, a serial on a lot product, a lot on a bulk product or a zero quantity is refused, each line named, and nothing is recorded"
    )
    func badNotices() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.addNotice(
                NoticeRequest(
                    id: "ASN-BAD", supplier: "ACME",
                    lines: [
                        .init(sku: "EVM-200", serial: "M-1"), .init(sku: "EVM-200", serial: "M-1"),
                        .init(sku: "YOG-1", serial: "Y-9", quantity: "1"),
                        .init(sku: "SCREW-4", lot: "L", quantity: "5"),
                        .init(sku: "SCREW-4", quantity: "0"), .init(sku: "NOPE", serial: "X"),
                        .init(sku: "YOG-1", lot: "Y-1", quantity: "2"), .init(sku: "YOG-1", lot: "Y-1", quantity: "3"),
                    ]),
                context: .dock)
        }
        #expect(rejected.problems.map(\.line) == [2, 3, 4, 5, 6, 8])
        #expect(
            rejected.problems.map(\.code) == [
                "duplicate-scan", "wrong-tracking-mode", "wrong-tracking-mode", "invalid-field", "unknown-product",
                "duplicate-scan",
            ])
        #expect(try await inventory.store.notice(id: "ASN-BAD") == nil)
        _ = try await announced(inventory)
        let twice = try await #require(throws: InputError.self) { try await announced(inventory) }
        #expect(twice.message.contains("already recorded"))
        let unknown = try await #require(throws: InputError.self) { try await inventory.noticeResult("ASN-404") }
        #expect(unknown.code == .unknownNotice)
        let date = try await #require(throws: InputError.self) {
            try await inventory.addNotice(
                NoticeRequest(
                    id: "ASN-2", supplier: "ACME", orderedOn: "2026-13-01", lines: [.init(sku: "BP-75", serial: "B")]),
                context: .dock)
        }
        #expect(date.message.contains("ordered-on"))
    }

    @Test("a CSV notice is read by its header; an unknown column or a short row is named")
    func csv() throws {
        let header = NoticeRequest(id: "ASN-C", supplier: "ACME", lines: [])
        let read = try NoticeRequest.csv(
            "product,serial,lot,quantity,expiry\nEVM-200,M-1,,,\nYOG-1,,Y-1,2.5,2027-01-15\n", header: header)
        #expect(
            read.lines == [
                .init(sku: "EVM-200", serial: "M-1"),
                .init(sku: "YOG-1", lot: "Y-1", quantity: "2.5", expiry: "2027-01-15"),
            ])
        let column = try #require(throws: InputError.self) {
            try NoticeRequest.csv("sku,serial,colour\nEVM-200,M-1,red\n", header: header)
        }
        #expect(column.message.contains("'colour'"))
        let json = try NoticeRequest.json(
            Data(#"{"id":"ASN-J","supplier":"ACME","lines":[{"product":"BP-75","serial":"B-1"}]}"#.utf8))
        #expect(json.lines.first?.serial == "B-1")
        let missing = try #require(throws: InputError.self) { try NoticeRequest.json(Data(#"{"id":"ASN-J"}"#.utf8)) }
        #expect(missing.message.contains("supplier"))
    }
}
