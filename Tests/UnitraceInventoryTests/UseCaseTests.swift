import Foundation
import Synchronization
import Testing
import UnitraceCore
import UnitraceSQLite
import UnitraceTestSupport

@testable import UnitraceInventory

private func warehouse() async throws -> Inventory {
    try await Warehouse.make(on: try await TestStores.make())
}

@Suite("Batches")
struct BatchTests {
    @Test("one bad line rejects the batch, every bad line is reported with its number, nothing is written")
    func allOrNothing() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2", "M-3"])
        _ = try await inventory.sell(["EVM-200/M-2"], sale: Sale(customer: "C1", channel: "online"), context: .dock)
        let head = try await inventory.store.head()

        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.ship(
                ["EVM-200/M-1", "EVM-200/M-2", "nothing-here", "EVM-200/M-3"], toLocation: "SHOP", context: .dock)
        }
        #expect(rejected.problems.map(\.line) == [2, 3])
        #expect(rejected.problems.map(\.code) == ["not-in-stock", "unknown-unit"])
        #expect(
            rejected.problems[0].description == "line 2: ship refused for EVM-200/M-2: unit is sold (rule not-in-stock)"
        )
        #expect(try await inventory.store.head() == head)
        let states = try await inventory.store.states(of: [
            UnitKey(sku: "EVM-200", serial: "M-1"), UnitKey(sku: "EVM-200", serial: "M-3"),
        ])
        #expect(states.values.allSatisfy { $0.status == .inStock && $0.location == "WH1-A-01" })
    }

    @Test("the same serial twice in one batch is flagged as a duplicate scan and counted once")
    func duplicateScan() async throws {
        let inventory = try await warehouse()
        let outcome = try await Warehouse.receiveMotors(inventory, ["M-1", "M-2", "M-1"])
        #expect(outcome.units.map(\.serial) == ["M-1", "M-2"])
        #expect(outcome.duplicates.map(\.line) == [3])
        #expect(outcome.duplicates.first?.code == "duplicate-scan")
        #expect(
            outcome.duplicates.first?.description
                == "line 3: 'M-1' was already scanned on line 1; counted once (duplicate-scan)")
        #expect(outcome.receipt.units == 2)
        #expect(try await inventory.stock(StockQuery()).map(\.count) == [2])

        let moved = try await inventory.move(["M-1", "EVM-200/M-1", "M-2"], to: "WH1-B", context: .dock)
        #expect(moved.units.count == 2)
        #expect(moved.duplicates.map(\.line) == [2])
    }

    @Test("receiving a serial that is already in stock is refused")
    func receiveDuplicate() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let rejected = try await #require(throws: BatchRejected.self) {
            try await Warehouse.receiveMotors(inventory, ["M-2", "M-1"])
        }
        #expect(
            rejected.problems.map(\.description) == [
                "line 2: receive refused for EVM-200/M-1: unit is in stock, at WH1-A-01 (rule already-in-stock)"
            ])
        #expect(try await inventory.store.head().sequence == 1)
        #expect(try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-2")]).isEmpty)
    }

    @Test("a bare serial that two products use is ambiguous and the error lists them")
    func ambiguous() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["X-1"])
        _ = try await inventory.receive(
            ReceiveRequest(sku: "BP-75", location: "WH1", lines: [ReceiveLine(serial: "X-1")]), context: .dock)
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.move(["X-1"], to: "WH1-B", context: .dock)
        }
        #expect(rejected.problems.first?.code == "ambiguous-serial")
        #expect(rejected.problems.first?.message.contains("BP-75/X-1, EVM-200/X-1") == true)
        let error = try await #require(throws: InputError.self) { try await inventory.passport("X-1") }
        #expect(error.code == .ambiguousSerial)
        // Naming the product resolves it.
        #expect(try await inventory.passport("X-1", product: "BP-75").state.key == UnitKey(sku: "BP-75", serial: "X-1"))
        #expect(try await inventory.move(["BP-75/X-1"], to: "WH1-B", context: .dock).units.count == 1)
    }

    @Test("an alias is unique across the store and within a batch")
    func aliases() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1",
                lines: [ReceiveLine(serial: "M-1", aliases: [Alias(kind: .imei, value: "490154203237518")])]),
            context: .dock)
        let taken = try await #require(throws: BatchRejected.self) {
            try await inventory.receive(
                ReceiveRequest(
                    sku: "BP-75", location: "WH1",
                    lines: [ReceiveLine(serial: "B-1", aliases: [Alias(kind: .imei, value: "490154203237518")])]),
                context: .dock)
        }
        #expect(
            taken.problems.first?.message
                == "alias '490154203237518' already belongs to EVM-200/M-1 (rule alias-in-use)")
        let twice = try await #require(throws: BatchRejected.self) {
            try await inventory.receive(
                ReceiveRequest(
                    sku: "BP-75", location: "WH1",
                    lines: [
                        ReceiveLine(serial: "B-1", aliases: [Alias(kind: .own, value: "U-1")]),
                        ReceiveLine(serial: "B-2", aliases: [Alias(kind: .own, value: "U-1")]),
                    ]),
                context: .dock)
        }
        #expect(twice.problems.map(\.line) == [2])
        #expect(try await inventory.passport("490154203237518").state.key == UnitKey(sku: "EVM-200", serial: "M-1"))
    }

    @Test("input errors name what was wrong and record nothing")
    func inputErrors() async throws {
        let inventory = try await warehouse()
        func code(_ body: () async throws -> Void) async -> InputError.Code? {
            do { try await body() } catch let error as InputError { return error.code } catch { return nil }
            return nil
        }
        #expect(
            await code {
                _ = try await inventory.receive(ReceiveRequest(sku: "NOPE", location: "WH1", count: 1), context: .dock)
            } == .unknownProduct)
        #expect(
            await code {
                _ = try await inventory.receive(
                    ReceiveRequest(sku: "EVM-200", location: "MARS", count: 1), context: .dock)
            } == .unknownLocation)
        #expect(
            await code {
                _ = try await inventory.receive(
                    ReceiveRequest(sku: "EVM-200", location: "customer", count: 1), context: .dock)
            } == .notAPlace)
        #expect(
            await code {
                _ = try await inventory.receive(ReceiveRequest(sku: "YOG-1", location: "WH1", count: 1), context: .dock)
            } == .wrongTrackingMode)
        #expect(
            await code {
                _ = try await inventory.receive(ReceiveRequest(sku: "EVM-200", location: "WH1"), context: .dock)
            } == .nothingToDo)
        #expect(await code { _ = try await inventory.move([], to: "WH1", context: .dock) } == .nothingToDo)
        #expect(await code { _ = try await inventory.ship(["x"], context: .dock) } == .invalidField)
        try await Warehouse.receiveMotors(inventory, ["M-S"])
        #expect(
            await code {
                _ = try await inventory.sell(["M-S"], sale: Sale(customer: nil, channel: "store:WH1"), context: .dock)
            } == .notAStore)
        #expect(await code { _ = try await inventory.sell(["M-S"], sale: nil, context: .dock) } == .saleRequired)
        #expect(
            await code {
                _ = try await inventory.sell(["M-S"], sale: Sale(customer: nil, channel: "mail"), context: .dock)
            } == .invalidField)
        #expect(
            await code { _ = try await inventory.addProduct(Product(sku: "EVM-200", name: "again")) }
                == .duplicateProduct)
        #expect(
            await code { _ = try await inventory.addProduct(Product(sku: "NEW", name: "x", gtin: "03760123450010")) }
                == .duplicateProduct)
        #expect(
            await code { _ = try await inventory.addLocation(Location(code: "WH1", name: "again", kind: .warehouse)) }
                == .duplicateLocation)
        #expect(
            await code {
                _ = try await inventory.addLocation(Location(code: "B9", name: "x", kind: .bin, parent: "NOWHERE"))
            } == .unknownLocation)
        #expect(
            await code {
                _ = try await inventory.addLocation(Location(code: "B9", name: "x", kind: .bin, parent: "customer"))
            } == .notAPlace)
        #expect(try await inventory.store.head().sequence == 1, "only the receipt of M-S")
    }
}

@Suite("Events")
struct EventTests {
    @Test("occurredAt keeps its offset, recordedAt is the store's clock, actor and CBV words are recorded")
    func eventFields() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        _ = try await inventory.sell(
            ["M-1"], sale: Sale(customer: "C-77", channel: "online", price: "10.50", currency: "EUR"),
            context: EventContext(
                actor: "bob", occurredAt: try Timestamp(iso8601: "2026-11-27T22:30:00-05:00"),
                documents: [DocumentRef(type: "order", id: "W-1")]))
        let passport = try await inventory.passport("EVM-200/M-1")
        let receive = passport.history[0].event
        #expect(receive.occurredAt.iso8601 == "2026-11-27T10:15:00.000+01:00")
        #expect(receive.recordedAt.iso8601 == "2026-11-27T09:00:01.000+01:00")
        #expect(receive.actor == "ada")
        #expect(receive.businessStep == "receiving")
        #expect(receive.disposition == "sellable_accessible")
        let sale = passport.history[1].event
        #expect(sale.occurredAt.iso8601 == "2026-11-27T22:30:00.000-05:00")
        #expect(sale.actor == "bob")
        #expect(sale.businessStep == "retail_selling")
        #expect(sale.disposition == "retail_sold")
        #expect(sale.documents == [DocumentRef(type: "order", id: "W-1")])
        #expect(passport.state.owner == "C-77")
        #expect(passport.state.status == .sold)
    }

    @Test("a shipment goes in transit and arrives where it was headed")
    func shipAndArrive() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
        _ = try await inventory.ship(["M-1", "M-2"], toLocation: "SHOP", context: .dock)
        var states = try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-1")])
        #expect(states.values.first?.status == .inTransit)
        #expect(states.values.first?.location == "in-transit")
        #expect(try await inventory.passport("M-1").history.last?.event.disposition == "in_transit")
        _ = try await inventory.arrive(["M-1", "M-2"], at: nil, context: .dock)
        states = try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-1")])
        #expect(states.values.first?.status == .inStock)
        #expect(states.values.first?.location == "SHOP")
    }

    @Test("an online sale ships to its customer and is delivered")
    func onlineSale() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        _ = try await inventory.sell(["M-1"], sale: Sale(customer: "C-9", channel: "online"), context: .dock)
        _ = try await inventory.ship(["M-1"], toCustomer: "C-9", context: .dock)
        _ = try await inventory.arrive(["M-1"], at: nil, context: .dock)
        let state = try await inventory.passport("M-1").state
        #expect(state.status == .sold)
        #expect(state.location == "customer")
        #expect(state.owner == "C-9")
    }

    @Test("a return, quarantine, release and scrap follow the rules")
    func returnsAndScrap() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        _ = try await inventory.sell(["M-1"], sale: Sale(customer: "C-1", channel: "store:SHOP"), context: .dock)
        #expect(try await inventory.passport("M-1").state.location == "customer")
        _ = try await inventory.returnUnits(
            ["M-1"], to: "SHOP", context: .at("2026-11-28T10:00:00+01:00", reason: "faulty"))
        var state = try await inventory.passport("M-1").state
        #expect(state.status == .returned)
        #expect(state.owner == nil)
        _ = try await inventory.quarantine(["M-1"], context: .at("2026-11-28T10:05:00+01:00", reason: "inspect"))
        let refused = try await #require(throws: BatchRejected.self) {
            try await inventory.sell(["M-1"], sale: Sale(customer: "C-2", channel: "online"), context: .dock)
        }
        #expect(refused.problems.first?.code == "cannot-sell-quarantined")
        _ = try await inventory.scrap(["M-1"], context: .at("2026-11-28T11:00:00+01:00", reason: "beyond repair"))
        state = try await inventory.passport("M-1").state
        #expect(state.status == .scrapped)
        #expect(state.location == "scrapped")
        let afterScrap = try await #require(throws: BatchRejected.self) {
            try await inventory.release(["M-1"], context: .dock)
        }
        #expect(afterScrap.problems.first?.code == "unit-scrapped")
    }
}

@Suite("Corrections")
struct CorrectionTests {
    @Test("a correction is a new event that names the wrong one and restores the units")
    func correctMove() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let move = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        let outcome = try await inventory.correct(
            sequence: move.receipt.lastSequence,
            context: .at("2026-11-27T12:00:00+01:00", reason: "scanned at the wrong bin"))
        let passport = try await inventory.passport("M-1")
        #expect(passport.state.location == "WH1-A-01")
        #expect(passport.history.map(\.event.kind) == [.receive, .move, .correct])
        let correction = passport.history[2].event
        #expect(correction.corrects == passport.history[1].event.id)
        #expect(correction.reason == "scanned at the wrong bin")
        #expect(outcome.receipt.lastSequence == 3)
        #expect(try await inventory.verify().ok)
    }

    @Test("correcting a receipt voids the unit, whose serial can then be received again")
    func correctReceive() async throws {
        let inventory = try await warehouse()
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1",
                lines: [ReceiveLine(serial: "M-1", aliases: [Alias(kind: .own, value: "U-1")])]),
            context: .dock)
        _ = try await inventory.correct(sequence: 1, context: .at("2026-11-27T12:00:00+01:00", reason: "typo"))
        // The voided unit keeps its passport, by SKU/SERIAL and by bare serial, with both events
        for scan in ["EVM-200/M-1", "M-1"] {
            let voided = try await inventory.passport(scan)
            #expect(voided.state.status == .voided)
            #expect(voided.history.map(\.event.kind) == [.receive, .correct])
        }
        await #expect(throws: BatchRejected.self) { try await inventory.move(["M-1"], to: "WH1-B", context: .dock) }
        #expect(try await inventory.stock(StockQuery()).isEmpty)
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "BP-75", location: "WH1",
                lines: [ReceiveLine(serial: "B-1", aliases: [Alias(kind: .own, value: "U-1")])]),
            context: .dock)
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        #expect(try await inventory.passport("EVM-200/M-1").state.status == .inStock)
        #expect(try await inventory.verify().ok)
    }

    @Test("only a unit's latest event can be corrected, and a reason is required")
    func correctOnlyLatest() async throws {
        let inventory = try await warehouse()
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.correct(sequence: 1, context: .at("2026-11-27T12:00:00+01:00", reason: "wrong"))
        }
        #expect(rejected.problems.first?.code == "not-latest-event")
        await #expect(throws: InputError.self) { try await inventory.correct(sequence: 2, context: .dock) }
        await #expect(throws: InputError.self) {
            try await inventory.correct(sequence: 99, context: .at("2026-11-27T12:00:00Z", reason: "x"))
        }
        #expect(try await inventory.store.head().sequence == 2)
    }
}

@Suite("Receiving with templates")
struct TemplateReceiveTests {
    @Test("--count generates serials in sequence and own serials become aliases")
    func generated() async throws {
        let inventory = try await warehouse()
        let counted = try await inventory.receive(
            ReceiveRequest(sku: "EVM-200", location: "WH1", count: 3), context: .dock)
        #expect(counted.units.map(\.serial) == ["000001", "000002", "000003"])
        let own = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1", lines: [ReceiveLine(serial: "MFR-A"), ReceiveLine(serial: "MFR-B")],
                ownSerials: true),
            context: .dock)
        #expect(own.units.map(\.serial) == ["MFR-A", "MFR-B"])
        #expect(try await inventory.passport("000005").state.key.serial == "MFR-B")
        #expect(try await inventory.passport("MFR-B").state.aliases == [Alias(kind: .own, value: "000005")])
    }
}

@Suite("Serial templates at receipt")
struct TemplateAtReceiptTests {
    private func battery(_ template: String, environment: Environment = .fixed()) async throws -> Inventory {
        let inventory = try await Warehouse.make(on: try await TestStores.make(), environment: environment)
        _ = try await inventory.addProduct(
            Product(
                sku: "BAT", name: "Battery", serialTemplate: try SerialTemplate(template), attributes: ["cat": "07"]))
        return inventory
    }

    @Test("the category comes from the product, a site from --field, the year from the receipt")
    func fields() async throws {
        let inventory = try await battery("{YY}{CAT:2}{SITE:3}{SEQ:4}")
        let outcome = try await inventory.receive(
            ReceiveRequest(sku: "BAT", location: "WH1", count: 2, fields: ["SITE": "LYN"]),
            context: .at("2027-01-05T08:00:00+01:00"))
        #expect(outcome.units.map(\.serial) == ["2707LYN0001", "2707LYN0002"])
    }

    @Test("serials typed by hand must follow the template; every bad one is reported")
    func typedSerials() async throws {
        let inventory = try await battery("B-{SEQ:5}{CHECK:GS1}")
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.receive(
                ReceiveRequest(
                    sku: "BAT", location: "WH1",
                    lines: ["B-000017", "B-000018", "B-17"].map { ReceiveLine(serial: $0) }),
                context: .dock)
        }
        #expect(rejected.problems.map(\.line) == [2, 3])
        #expect(
            rejected.problems[0].message
                == "serial B-000018 does not follow template 'B-{SEQ:5}{CHECK:GS1}': check character is 8, expected 7")
        #expect(
            try await inventory.receive(
                ReceiveRequest(sku: "BAT", location: "WH1", lines: [ReceiveLine(serial: "B-000017")]), context: .dock
            ).units.count == 1)
    }

    @Test("ranges and ~ use the template, and the counter moves past them")
    func ranges() async throws {
        let inventory = try await battery("B-{SEQ:3}")
        let first = try await inventory.receive(
            ReceiveRequest(sku: "BAT", location: "WH1", serials: "1-3,10+1"), context: .dock)
        #expect(first.units.map(\.serial) == ["B-001", "B-002", "B-003", "B-010", "B-011"])
        let next = try await inventory.receive(
            ReceiveRequest(sku: "BAT", location: "WH1", serials: "~,~"), context: .dock)
        #expect(next.units.map(\.serial) == ["B-012", "B-013"])
        let counted = try await inventory.receive(ReceiveRequest(sku: "BAT", location: "WH1", count: 1), context: .dock)
        #expect(counted.units.map(\.serial) == ["B-014"])
        // Without a template, numbers are written as the default template writes them.
        let plain = try await inventory.receive(
            ReceiveRequest(sku: "BP-75", location: "WH1", serials: "7-8"), context: .dock)
        #expect(plain.units.map(\.serial) == ["000007", "000008"])
    }

    @Test("random serials never collide: a draw that is taken is drawn again")
    func randomNoCollision() async throws {
        // A random source that repeats itself: every draw gives the same block until the tenth call.
        let calls = Mutex<UInt64>(0)
        var environment = Environment.fixed()
        environment.random = {
            calls.withLock { count in
                count += 1
                return count < 40 ? 7 : count
            }
        }
        let inventory = try await battery("R-{RAND:4}", environment: environment)
        let first = try await inventory.receive(ReceiveRequest(sku: "BAT", location: "WH1", count: 1), context: .dock)
        let second = try await inventory.receive(ReceiveRequest(sku: "BAT", location: "WH1", count: 3), context: .dock)
        let all = first.units.map(\.serial) + second.units.map(\.serial)
        #expect(Set(all).count == 4)
        #expect(all.allSatisfy { $0.hasPrefix("R-") && $0.count == 6 })
    }
}
