import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("One input policy for every door")
struct InputPolicyUseCaseTests {
    static let huge = String(repeating: "z", count: 15_000_000)

    @Test("a 15 MB reason enters the ledger by no door: verb, batch capture or import")
    func hugeReason() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        func refusedShortly(_ error: any Error) -> Bool {
            let text = "\(error)"
            return text.contains("at most 1000") && text.count < 300
        }
        await #expect(
            performing: {
                try await inventory.scrap(["M-1"], context: .at("2026-11-27T12:00:00Z", reason: Self.huge))
            }, throws: refusedShortly)
        await #expect(
            performing: {
                try await inventory.capture(
                    [CaptureRequest(kind: .quarantine, units: ["M-1"], reason: Self.huge)], context: .dock)
            }, throws: refusedShortly)
        // An export line whose reason was swollen after it was written
        var lines: [String] = []
        _ = try await inventory.export { lines.append($0) }
        let source = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(source, ["M-9"])
        _ = try await source.quarantine(["M-9"], context: .at("2026-11-27T12:00:00Z", reason: "dent"))
        var exported: [String] = []
        _ = try await source.export { exported.append($0) }
        let swollen = exported.map {
            $0.replacingOccurrences(of: #""reason":"dent""#, with: #""reason":"\#(Self.huge)""#)
        }
        #expect(swollen != exported)
        let target = Inventory(store: try await TestStores.make())
        var input = ArrayLines(lines: swollen)
        await #expect(performing: { try await target.importLedger(from: &input) }, throws: refusedShortly)
        #expect(try await target.store.head().sequence == 0)
        #expect(try await inventory.store.head().sequence == 1)
    }

    @Test("a serial typed in another Unicode form finds the same unit")
    func nfc() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        // Given a serial received in decomposed form (e + combining acute)
        try await Warehouse.receiveMotors(inventory, ["CAF\u{0065}\u{0301}-1"])
        // When it is scanned precomposed
        let moved = try await inventory.move(["CAF\u{00E9}-1"], to: "WH1-B", context: .dock)
        // Then it is the same unit, stored in NFC
        #expect(moved.units.map { Array($0.serial.unicodeScalars) } == [Array("CAF\u{00E9}-1".unicodeScalars)])
        await #expect(throws: BatchRejected.self) {
            try await Warehouse.receiveMotors(inventory, ["CAF\u{00E9}-1"])
        }
    }

    @Test("serials with bidirectional overrides, U+FFFD or a slash are refused at receipt, nothing recorded")
    func badSerials() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        for serial in ["M-\u{202E}1", "M-\u{FFFD}", "M/1", "M-\u{0008}"] {
            await #expect(throws: (any Error).self, "\(serial.debugDescription)") {
                try await inventory.receive(
                    ReceiveRequest(sku: "EVM-200", location: "WH1", lines: try ReceiveLine.parseAll([serial])),
                    context: .dock)
            }
        }
        await #expect(throws: BatchRejected.self) {
            try await inventory.receive(
                ReceiveRequest(
                    sku: "EVM-200", location: "WH1",
                    lines: [ReceiveLine(serial: "M-1", aliases: [Alias(kind: .own, value: "U\u{2067}1")])]),
                context: .dock)
        }
        #expect(try await inventory.store.head().sequence == 0)
    }

    @Test("names, attribute values and customer references have limits")
    func limits() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        await #expect(throws: InputError.self) {
            try await inventory.addProduct(Product(sku: "LONG", name: String(repeating: "n", count: 201)))
        }
        await #expect(throws: InputError.self) {
            try await inventory.addLocation(Location(code: "L", name: "bell\u{0007}", kind: .warehouse))
        }
        await #expect(throws: InputError.self) {
            try await inventory.receive(
                ReceiveRequest(
                    sku: "EVM-200", location: "WH1", lines: [ReceiveLine(serial: "M-1")],
                    attributes: ["color": String(repeating: "r", count: 201)]),
                context: .dock)
        }
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        await #expect(throws: InputError.self) {
            try await inventory.sell(
                ["M-1"], sale: Sale(customer: String(repeating: "c", count: 101), channel: "online"), context: .dock)
        }
        #expect(try await inventory.store.head().sequence == 1)
    }
}
