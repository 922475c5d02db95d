import Foundation
import Testing
import UnitraceCore
import UnitraceInventory

/// A behaviour every ``InventoryStore`` must show. Each engine's test target runs all of them.
public struct StoreContract: Sendable, CustomTestStringConvertible {
    public let testDescription: String
    public let check: @Sendable (any InventoryStore) async throws -> Void

    public init(_ description: String, check: @escaping @Sendable (any InventoryStore) async throws -> Void) {
        self.testDescription = description
        self.check = check
    }

    public static let all: [StoreContract] = [
        StoreContract("a committed batch is visible to the next read, with its history") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117", "M-000118"])
            let states = try await store.states(of: [.motor117, .motor118])
            #expect(states[.motor117]?.status == .inStock)
            #expect(states[.motor117]?.location == "WH1-A-01")
            #expect(states[.motor117]?.version == 1)
            let history = try await store.history(of: .motor117)
            #expect(history.map(\.sequence) == [1])
            #expect(history.first?.unitCount == 2)
            #expect(history.first?.event.units.map(\.unit) == [.motor117])
        },
        StoreContract("a rejected batch writes nothing") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            let before = try await store.head()
            await #expect(throws: BatchRejected.self) {
                try await inventory.ship(["EVM-200/M-000117", "EVM-200/M-999999"], toLocation: "SHOP", context: .dock)
            }
            #expect(try await store.head() == before)
            #expect(try await store.states(of: [.motor117])[.motor117]?.status == .inStock)
        },
        StoreContract("the head hash is the chain of every event's canonical encoding") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            _ = try await inventory.move(["EVM-200/M-000117"], to: "WH1-B", context: .dock)
            var hash = LedgerHash.Digest.genesis
            for recorded in try await store.events(after: 0, limit: 10, matching: .all) {
                hash = LedgerHash.next(previous: hash, event: recorded.event)
                #expect(hash == recorded.hash)
            }
            #expect(try await store.head() == LedgerHead(sequence: 2, hash: hash))
            #expect(try await inventory.verify().ok)
        },
        StoreContract("a stale version is refused as a conflict and nothing is written") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            let stale = try #require(try await store.states(of: [.motor117])[.motor117])
            _ = try await inventory.move(["M-000117"], to: "WH1-B", context: .dock)
            var after = stale
            after.location = "SHOP"
            let event = Event(
                id: UUID(), kind: .move, occurredAt: .init(millisecondsSince1970: 0),
                recordedAt: .init(millisecondsSince1970: 0),
                location: "SHOP", actor: "ada", units: [EventLine(unit: .motor117)])
            let error = await #expect(throws: StoreError.self) {
                try await store.commit(
                    CommitBatch(
                        items: [.init(event: event)], changes: [.init(before: stale, after: after, lastItem: 0)]))
            }
            #expect(error?.code == .conflict)
            #expect(try await store.head().sequence == 2)
        },
        StoreContract("a new unit whose serial was taken meanwhile is a conflict") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            let fresh = UnitState(key: .motor117, status: .inStock, location: "WH1")
            let event = Event(
                id: UUID(), kind: .receive, occurredAt: .init(millisecondsSince1970: 0),
                recordedAt: .init(millisecondsSince1970: 0),
                location: "WH1", actor: "ada", units: [EventLine(unit: .motor117)])
            let error = await #expect(throws: StoreError.self) {
                try await store.commit(
                    CommitBatch(items: [.init(event: event)], changes: [.init(before: nil, after: fresh, lastItem: 0)]))
            }
            #expect(error?.code == .conflict)
            #expect(try await store.head().sequence == 1)
        },
        StoreContract("candidates find bare serials across products and aliases") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["X-1"])
            _ = try await inventory.receive(
                ReceiveRequest(
                    sku: "BP-75", location: "WH1",
                    lines: [
                        ReceiveLine(serial: "X-1"),
                        ReceiveLine(serial: "P-2", aliases: [Alias(kind: .imei, value: "490154203237518")]),
                    ]),
                context: .dock)
            let found = try await store.candidates(for: ["X-1", "490154203237518", "nothing"])
            #expect(
                Set(found["X-1"] ?? []) == [
                    UnitKey(sku: "EVM-200", serial: "X-1"), UnitKey(sku: "BP-75", serial: "X-1"),
                ])
            #expect(found["490154203237518"] == [UnitKey(sku: "BP-75", serial: "P-2")])
            #expect(found["nothing"] == nil)
            #expect(
                try await store.aliasOwners(of: ["490154203237518"]) == [
                    "490154203237518": UnitKey(sku: "BP-75", serial: "P-2")
                ])
        },
        StoreContract("find covers sub-locations, unit and product attributes, and pages") { store in
            let inventory = try await Warehouse.make(on: store)
            _ = try await inventory.receive(
                ReceiveRequest(
                    sku: "EVM-200", location: "WH1-A-01", lines: ["M-1", "M-2"].map { ReceiveLine(serial: $0) },
                    attributes: ["color": "red"]),
                context: .dock)
            _ = try await inventory.receive(
                ReceiveRequest(
                    sku: "EVM-200", location: "SHOP", lines: [ReceiveLine(serial: "M-3")], attributes: ["color": "red"]),
                context: .dock)
            _ = try await inventory.receive(
                ReceiveRequest(
                    sku: "BP-75", location: "WH1-B", lines: [ReceiveLine(serial: "B-1")], attributes: ["color": "blue"]),
                context: .dock)
            let inWH1 = try await store.find(UnitQuery(location: "WH1", attributes: ["color": "red"]))
            #expect(inWH1.map(\.key.serial) == ["M-1", "M-2"])
            let byProductAttribute = try await store.find(UnitQuery(attributes: ["power_kw": "200", "color": "red"]))
            #expect(byProductAttribute.map(\.key.serial) == ["M-1", "M-2", "M-3"])
            let page = try await store.find(
                UnitQuery(sku: "EVM-200", after: UnitKey(sku: "EVM-200", serial: "M-1"), limit: 1))
            #expect(page.map(\.key.serial) == ["M-2"])
            #expect(try await store.find(UnitQuery(location: "WH1", attributes: ["color": "green"])).isEmpty)
        },
        StoreContract("stock counts by product, location and status") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-1", "M-2", "M-3"])
            _ = try await inventory.quarantine(
                ["EVM-200/M-3"], context: .at("2026-11-27T11:00:00+01:00", reason: "dented"))
            let lines = try await store.stock(StockQuery(location: "WH1"))
            #expect(
                lines == [
                    StockLine(sku: "EVM-200", location: "WH1-A-01", status: .inStock, count: 2),
                    StockLine(sku: "EVM-200", location: "WH1-A-01", status: .quarantined, count: 1),
                ])
            #expect(try await store.stock(StockQuery(location: "SHOP")).isEmpty)
        },
        StoreContract("events can be selected by unit, product and time") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-1"])
            _ = try await inventory.receive(
                ReceiveRequest(sku: "BP-75", location: "WH1", lines: [ReceiveLine(serial: "B-1")]), context: .dock)
            _ = try await inventory.move(["EVM-200/M-1"], to: "WH1-B", context: .at("2026-11-28T08:00:00Z"))
            let byUnit = try await store.events(
                after: 0, limit: 10, matching: EventFilter(unit: UnitKey(sku: "EVM-200", serial: "M-1")))
            #expect(byUnit.map(\.sequence) == [1, 3])
            let byProduct = try await store.events(after: 0, limit: 10, matching: EventFilter(sku: "BP-75"))
            #expect(byProduct.map(\.sequence) == [2])
            let late = try await store.events(
                after: 0, limit: 10, matching: EventFilter(from: try Timestamp(iso8601: "2026-11-28T00:00:00Z")))
            #expect(late.map(\.sequence) == [3])
            let early = try await store.events(
                after: 0, limit: 10, matching: EventFilter(until: try Timestamp(iso8601: "2026-11-28T00:00:00Z")))
            #expect(early.map(\.sequence) == [1, 2])
        },
        StoreContract("the serial counter advances with the batch that uses it") { store in
            let inventory = try await Warehouse.make(on: store)
            _ = try await inventory.receive(ReceiveRequest(sku: "EVM-200", location: "WH1", count: 3), context: .dock)
            #expect(try await store.nextSerialNumber(sku: "EVM-200") == 4)
            let next = try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1", count: 2), context: .dock)
            #expect(next.units.map(\.serial) == ["000004", "000005"])
        },
    ]
}
