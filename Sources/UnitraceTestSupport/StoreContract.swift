import Foundation
import Testing
import UnitraceCore
import UnitraceInventory

/// A behaviour every ``InventoryStore`` must show, for one of its parts (``LedgerStore``, ``CatalogueStore``,
/// ``UnitStore``, ``AccessStore``). Each engine's test target runs each part's contract.
public struct StoreContract: Sendable, CustomTestStringConvertible {
    /// The protocol of the store a contract is about.
    public enum Part: String, Sendable, CaseIterable {
        case ledger, catalogue, units, access
    }

    public let part: Part
    public let description: String
    public let check: @Sendable (any InventoryStore) async throws -> Void

    public var testDescription: String { description }

    public init(
        _ part: Part, _ description: String, check: @escaping @Sendable (any InventoryStore) async throws -> Void
    ) {
        self.part = part
        self.description = description
        self.check = check
    }

    /// The contracts of one part.
    public static func of(_ part: Part) -> [StoreContract] { all.filter { $0.part == part } }

    public static let all: [StoreContract] = [
        StoreContract(.ledger, "a committed batch is visible to the next read, with its history") { store in
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
            let id = try #require(history.first?.event.id)
            #expect(try await store.event(id: id)?.sequence == 1)
            #expect(try await store.recordedIDs(among: [id, UUID()]) == [id])
            #expect(try await store.event(id: UUID()) == nil)
        },
        StoreContract(
            .ledger, "captured events are indexed by the identifiers they name; verify sees a gap, rebuild fills it"
        ) {
            store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            _ = try await inventory.importEPCIS(
                open: { EPCISDocument.chunks(EPCISFixtures.twoCapturedEvents) }, context: EventContext(actor: "partner")
            )
            let child = IdentifierName(canonicalizing: "urn:epc:id:sgtin:0614141.107346.2017")
            #expect(child.value == "https://id.gs1.org/01/10614141073464/21/2017")
            #expect(try await store.sequences(naming: [child], after: 0, limit: 10) == [2, 3])
            #expect(try await store.sequences(naming: [child], after: 2, limit: 10) == [3])
            #expect(try await store.sequences(naming: [child], after: 0, limit: 1) == [2])
            let parent = IdentifierName(canonicalizing: "urn:epc:id:sscc:0614141.1234567890")
            #expect(try await store.sequences(naming: [parent, child], after: 0, limit: 10) == [2, 3])
            let entries = try await store.identifierEntries(in: 1...3)
            #expect(
                entries
                    == [
                        IdentifierEntry(sequence: 2, identifier: parent),
                        IdentifierEntry(sequence: 2, identifier: child),
                        IdentifierEntry(sequence: 3, identifier: child),
                    ].sorted { ($0.sequence, $0.identifier) < ($1.sequence, $1.identifier) })
            #expect(try await inventory.verify().ok)

            try await store.replaceIdentifierEntries(in: 3...3, with: [])
            let verified = try await inventory.verify()
            #expect(!verified.ok)
            #expect(verified.firstBrokenSequence == nil)
            #expect(verified.problems.first?.contains("unitrace rebuild") == true, "\(verified.problems)")
            let rebuilt = try await inventory.rebuild()
            #expect(rebuilt.repaired == 1)
            #expect(rebuilt.identifiers == 3)
            #expect(try await store.identifierEntries(in: 1...3) == entries)
            #expect(try await inventory.verify().ok)
            #expect(try await inventory.rebuild().repaired == 0)
        },
        StoreContract(.ledger, "an event's quantity lines are stored, read back and hashed as written") { store in
            let inventory = try await Warehouse.make(on: store)
            var event = Event(
                id: UUID(), kind: .move, occurredAt: Timestamp(millisecondsSince1970: 1_800_000_000_000),
                recordedAt: Timestamp(millisecondsSince1970: 1_800_000_000_500), location: "WH1-B", actor: "dock",
                units: [])
            event.form = Event.currentForm
            event.quantities = [
                try QuantityLine(sku: "YOG-1", lot: "L-0412", quantity: "12.50", uom: "KGM"),
                try QuantityLine(sku: "EVM-200", quantity: "3"),
            ]
            let receipt = try await store.commit(CommitBatch(items: [.init(event: event)], changes: []))
            let stored = try #require(try await store.event(sequence: receipt.lastSequence))
            #expect(stored.event == event)
            #expect(stored.event.quantities?.first?.quantity == "12.5")
            #expect(stored.hash == LedgerHash.next(previous: .genesis, event: event))
            #expect(try await inventory.verify().ok)
        },
        StoreContract(.ledger, "a rejected batch writes nothing") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-000117"])
            let before = try await store.head()
            await #expect(throws: BatchRejected.self) {
                try await inventory.ship(["EVM-200/M-000117", "EVM-200/M-999999"], toLocation: "SHOP", context: .dock)
            }
            #expect(try await store.head() == before)
            #expect(try await store.states(of: [.motor117])[.motor117]?.status == .inStock)
        },
        StoreContract(.ledger, "the head hash is the chain of every event's canonical encoding") { store in
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
        StoreContract(.ledger, "a stale version is refused as a conflict and nothing is written") { store in
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
        StoreContract(.ledger, "a new unit whose serial was taken meanwhile is a conflict") { store in
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
        StoreContract(.units, "candidates find bare serials across products and aliases") { store in
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
        StoreContract(.units, "find covers sub-locations, unit and product attributes, and pages") { store in
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
        StoreContract(.units, "stock counts by product, location and status") { store in
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
        StoreContract(.ledger, "events can be selected by unit, product and time") { store in
            let inventory = try await Warehouse.make(on: store)
            try await Warehouse.receiveMotors(inventory, ["M-1"])
            _ = try await inventory.receive(
                ReceiveRequest(sku: "BP-75", location: "WH1", lines: [ReceiveLine(serial: "B-1")]), context: .dock)
            _ = try await inventory.move(["EVM-200/M-1"], to: "WH1-B", context: .at("2026-11-28T08:00:00Z"))
            let byUnit = try await store.events(
                after: 0, limit: 10, matching: EventFilter(unit: UnitKey(sku: "EVM-200", serial: "M-1")))
            #expect(byUnit.map(\.sequence) == [1, 3])
            let motor = UnitKey(sku: "EVM-200", serial: "M-1")
            let pack = UnitKey(sku: "BP-75", serial: "B-1")
            #expect(byUnit.map { $0.event.units.map(\.unit) } == [[motor], [motor]])
            // Events picked by sequence, in any order, missing ones left out, each with its own lines.
            let picked = try await store.events(at: [3, 1, 3, 99])
            #expect(picked.map(\.sequence) == [1, 3])
            #expect(picked.map { $0.event.units.map(\.unit) } == [[motor], [motor]])
            #expect(try await store.events(at: [2, 1]).map { $0.event.units.map(\.unit) } == [[motor], [pack]])
            #expect(try await store.events(at: []).isEmpty)
            #expect(try await store.event(sequence: 2)?.event.units.map(\.unit) == [pack])
            let byProduct = try await store.events(after: 0, limit: 10, matching: EventFilter(sku: "BP-75"))
            #expect(byProduct.map(\.sequence) == [2])
            let late = try await store.events(
                after: 0, limit: 10, matching: EventFilter(from: try Timestamp(iso8601: "2026-11-28T00:00:00Z")))
            #expect(late.map(\.sequence) == [3])
            let early = try await store.events(
                after: 0, limit: 10, matching: EventFilter(until: try Timestamp(iso8601: "2026-11-28T00:00:00Z")))
            #expect(early.map(\.sequence) == [1, 2])
        },
        StoreContract(.catalogue, "the serial counter advances with the batch that uses it") { store in
            let inventory = try await Warehouse.make(on: store)
            _ = try await inventory.receive(ReceiveRequest(sku: "EVM-200", location: "WH1", count: 3), context: .dock)
            #expect(try await store.nextSerialNumber(sku: "EVM-200") == 4)
            let next = try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1", count: 2), context: .dock)
            #expect(next.units.map(\.serial) == ["000004", "000005"])
        },
        StoreContract(
            .catalogue, "products and locations read back as written; a taken SKU, GTIN or code is a conflict"
        ) {
            store in
            let motor = Product(
                sku: "EVM-200", name: "Drive motor", gtin: "03760123450010", attributes: ["power_kw": "200"])
            try await store.insertProduct(motor)
            #expect(try await store.product(sku: "EVM-200") == motor)
            #expect(try await store.product(sku: "NOPE") == nil)
            for taken in [Product(sku: "EVM-200", name: "again"), Product(sku: "X", name: "x", gtin: "03760123450010")]
            {
                let error = await #expect(throws: StoreError.self) { try await store.insertProduct(taken) }
                #expect(error?.code == .conflict)
            }
            #expect(try await store.products() == [motor])
            let site = Location(code: "WH1", name: "Main", kind: .warehouse)
            let bin = Location(code: "WH1-A", name: "Aisle A", kind: .zone, parent: "WH1")
            try await store.insertLocation(site)
            try await store.insertLocation(bin)
            #expect(try await store.location(code: "WH1-A") == bin)
            #expect(try await store.location(code: "MARS") == nil)
            let error = await #expect(throws: StoreError.self) {
                try await store.insertLocation(Location(code: "WH1", name: "again", kind: .store))
            }
            #expect(error?.code == .conflict)
            let codes = try await store.locations().map(\.code)
            // Beside the places the store was born with (customer, supplier, in-transit, scrapped).
            #expect(Set(codes).subtracting(["customer", "supplier", "in-transit", "scrapped"]) == ["WH1", "WH1-A"])
            #expect(try await store.nextSerialNumber(sku: "EVM-200") == 1)
        },
        StoreContract(.access, "keys are kept with their secret's hash, page by id, and are revoked once") { store in
            let created = Timestamp(millisecondsSince1970: 1_800_000_000_000)
            for id in ["k3", "k1", "k2"] {
                try await store.insertKey(
                    APIKey(id: id, name: "dock \(id)", role: .operator, createdAt: created), secretHash: "hash-\(id)")
            }
            let found = try #require(try await store.key(id: "k2"))
            #expect(found.key == APIKey(id: "k2", name: "dock k2", role: .operator, createdAt: created))
            #expect(found.secretHash == "hash-k2")
            #expect(try await store.key(id: "k9") == nil)
            #expect(try await store.keys(after: nil, limit: 2).map(\.id) == ["k1", "k2"])
            #expect(try await store.keys(after: "k2", limit: 2).map(\.id) == ["k3"])
            let later = Timestamp(millisecondsSince1970: 1_800_000_060_000)
            #expect(try await store.revokeKey(id: "k1", at: later))
            #expect(try await store.key(id: "k1")?.key.revokedAt == later)
            #expect(try await store.revokeKey(id: "k9", at: later) == false)
        },
        StoreContract(.access, "a subscription's outbox holds each wanted event until it is delivered") { store in
            let inventory = try await Warehouse.make(on: store)
            let subscription = WebhookSubscription(
                id: "wh1", url: "https://hooks.example.com/in", secret: "s", kinds: [.receive], skus: [],
                createdAt: Timestamp(millisecondsSince1970: 0))
            try await store.insertSubscription(subscription)
            #expect(try await store.subscriptions(after: nil, limit: 10).map(\.id) == ["wh1"])
            try await store.replaceSecret(ofSubscription: "wh1", with: "sealed")
            #expect(try await store.subscriptions(after: nil, limit: 10).first?.secret == "sealed")
            try await Warehouse.receiveMotors(inventory, ["M-1"])
            _ = try await inventory.move(["EVM-200/M-1"], to: "WH1-B", context: .dock)
            #expect(try await store.outboxBacklog() == 1, "only the receipt is wanted")
            let now = Timestamp(millisecondsSince1970: 1_900_000_000_000)
            let due = try #require(try await store.dueDeliveries(now: now, limit: 10).first)
            #expect(due.subscription.id == "wh1")
            #expect(due.sequence == 1)
            #expect(due.attempts == 0)
            let failed = WebhookDelivery(
                id: 0, subscription: "wh1", sequence: 1, attempt: 1, at: now, status: 500, error: nil, delivered: false)
            try await store.recordAttempt(
                failed, outboxID: due.id, retryAt: Timestamp(millisecondsSince1970: now.millisecondsSince1970 + 60_000))
            #expect(try await store.dueDeliveries(now: now, limit: 10).isEmpty, "it waits for its retry")
            #expect(try await store.outboxBacklog() == 1)
            var delivered = failed
            delivered.attempt = 2
            delivered.status = 204
            delivered.delivered = true
            try await store.recordAttempt(delivered, outboxID: due.id, retryAt: nil)
            #expect(try await store.outboxBacklog() == 0)
            let log = try await store.deliveries(subscription: "wh1", after: nil, limit: 10)
            #expect(log.map(\.attempt) == [1, 2])
            #expect(log.map(\.delivered) == [false, true])
            #expect(try await store.deleteSubscription(id: "wh1"))
            #expect(try await store.deleteSubscription(id: "wh1") == false)
            #expect(try await store.subscriptions(after: nil, limit: 10).isEmpty)
        },
        StoreContract(.access, "an idempotent request's answer is kept once, byte for byte") { store in
            #expect(try await store.storedResponse(requestID: "k1:abc") == nil)
            let answer = StoredResponse(
                requestID: "k1:abc", fingerprint: "f", status: 201, body: Data(#"{"sku":"P"}"#.utf8))
            try await store.storeResponse(answer)
            #expect(try await store.storedResponse(requestID: "k1:abc") == answer)
        },
    ]
}
