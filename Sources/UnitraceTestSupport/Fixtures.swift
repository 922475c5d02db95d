import Foundation
import Synchronization
import Testing
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite

extension UnitKey {
    public static let motor117 = UnitKey(sku: "EVM-200", serial: "M-000117")
    public static let motor118 = UnitKey(sku: "EVM-200", serial: "M-000118")
}

extension Environment {
    /// A clock that starts at 2026-11-27T09:00:00+01:00 and ticks one second per call, and UUIDs that count
    /// up from 1: the same run gives the same ledger, hash for hash.
    public static func fixed() -> Environment {
        let counter = Mutex<Int64>(0)
        let ids = Mutex<UInt64>(0)
        let start = try! Timestamp(iso8601: "2026-11-27T09:00:00+01:00")
        return Environment(
            now: {
                let tick = counter.withLock { value in
                    value += 1
                    return value
                }
                return Timestamp(millisecondsSince1970: start.millisecondsSince1970 + tick * 1000, offsetSeconds: 3600)
            },
            newID: {
                let next = ids.withLock { value in
                    value += 1
                    return value
                }
                return UUID(uuidString: String(format: "00000000-0000-4000-8000-%012llX", next))!
            })
    }
}

extension EventContext {
    /// A dock worker at 10:15 Paris time.
    public static let dock = EventContext(
        actor: "ada", occurredAt: try! Timestamp(iso8601: "2026-11-27T10:15:00+01:00"))

    public static func at(_ time: String, actor: String = "ada", reason: String? = nil) -> EventContext {
        EventContext(actor: actor, occurredAt: try! Timestamp(iso8601: time), reason: reason)
    }
}

extension InventorySettings {
    /// A fixed secret key, and webhooks allowed to loopback (where the tests' receivers listen).
    public static let testing = InventorySettings(
        sealingKey: .testing, webhookEgress: WebhookEgress(allowPrivate: true))
}

extension SealingKey {
    /// The tests' secret key (32 bytes of 0x2a).
    public static let testing = try! SealingKey(text: Data(repeating: 0x2A, count: 32).base64EncodedString())
}

/// A small warehouse: one site with two bins, a store, two serialized products, a lot-tracked one (yoghurt, by
/// the kilogram, 21 days of shelf life) and a bulk one (screws).
public enum Warehouse {
    /// Sets up the catalogue and returns an inventory over `store`.
    public static func make(
        on store: any InventoryStore, environment: Environment = .fixed(), settings: InventorySettings = .testing
    ) async throws -> Inventory {
        let inventory = Inventory(store: store, environment: environment, settings: settings)
        _ = try await inventory.addProduct(
            Product(
                sku: "EVM-200", name: "Drive motor", gtin: "03760123450010",
                warranty: WarrantyPolicy(months: 24, basis: .sale), attributes: ["power_kw": "200"]))
        _ = try await inventory.addProduct(Product(sku: "BP-75", name: "Battery pack"))
        _ = try await inventory.addProduct(
            Product(sku: "YOG-1", name: "Yoghurt", tracking: .lot, uom: "KGM", shelfLifeDays: 21))
        _ = try await inventory.addProduct(Product(sku: "SCREW-4", name: "Wood screw 4 mm", tracking: .bulk))
        _ = try await inventory.addLocation(Location(code: "WH1", name: "Main warehouse", kind: .warehouse))
        _ = try await inventory.addLocation(Location(code: "WH1-A", name: "Zone A", kind: .zone, parent: "WH1"))
        _ = try await inventory.addLocation(Location(code: "WH1-A-01", name: "Bin A-01", kind: .bin, parent: "WH1-A"))
        _ = try await inventory.addLocation(Location(code: "WH1-B", name: "Zone B", kind: .zone, parent: "WH1"))
        _ = try await inventory.addLocation(Location(code: "SHOP", name: "City shop", kind: .store))
        return inventory
    }

    /// Three motors (M-1, M-2, M-3) at WH1-A-01, and 20 kg of yoghurt lot L-1 and 500 screws at `stock`.
    public static func stocked(on store: any InventoryStore, stock: String) async throws -> Inventory {
        let inventory = try await make(on: store)
        try await receiveMotors(inventory, ["M-1", "M-2", "M-3"], at: "WH1-A-01")
        _ = try await inventory.receiveStock(
            [
                StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "20"),
                StockLineRequest(sku: "SCREW-4", quantity: "500"),
            ],
            at: stock, context: .dock)
        return inventory
    }

    /// Receives `serials` of EVM-200 at WH1-A-01.
    @discardableResult
    public static func receiveMotors(_ inventory: Inventory, _ serials: [String], at location: String = "WH1-A-01")
        async throws -> Outcome
    {
        try await inventory.receive(
            ReceiveRequest(sku: "EVM-200", location: location, lines: serials.map { ReceiveLine(serial: $0) }),
            context: .dock)
    }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("unitrace-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// A text a parser must refuse, and the exact message it must give.
public struct BadInput: Sendable, CustomTestStringConvertible {
    public let input: String
    public let message: String
    public var testDescription: String { message }

    public init(input: String, message: String) {
        self.input = input
        self.message = message
    }
}

/// Lines held in memory, handed out one by one, for `importLedger`.
public struct ArrayLines: LineSource {
    public var lines: [String]
    public var index = 0

    public init(lines: [String]) {
        self.lines = lines
    }

    public mutating func nextLine() throws -> String? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return lines[index]
    }
}

/// EPCIS documents the store contracts and the engines' upgrade tests capture.
public enum EPCISFixtures {
    /// A partner's two events about objects Unitrace does not track: an SSCC packed with one SGTIN (as an
    /// EPC URI), then that SGTIN observed (as its Digital Link).
    public static let twoCapturedEvents = Array(
        #"""
        {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-12-03T10:00:00Z",
         "epcisBody": {"eventList": [
           {"type": "AggregationEvent", "eventTime": "2026-12-01T09:00:00Z", "eventTimeZoneOffset": "+00:00",
            "action": "ADD", "parentID": "urn:epc:id:sscc:0614141.1234567890",
            "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"]},
           {"type": "ObjectEvent", "eventTime": "2026-12-01T10:00:00Z", "eventTimeZoneOffset": "+00:00",
            "action": "OBSERVE", "epcList": ["https://id.gs1.org/01/10614141073464/21/2017"]}]}}
        """#.utf8)
}
