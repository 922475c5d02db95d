import Foundation
import Testing
import UnitraceCore
import UnitraceSQLite
import UnitraceTestSupport

@testable import UnitraceInventory

/// A warehouse whose medicine product carries the GTIN of the GS1 examples.
private func pharmacy() async throws -> Inventory {
    let inventory = try await Warehouse.make(on: try await TestStores.make())
    _ = try await inventory.addProduct(Product(sku: "MED-1", name: "Insulin pen", gtin: "09506000134352"))
    return inventory
}

@Suite("Scanning finds units")
struct ScanningTests {
    @Test("a receipt of DataMatrix scans takes product, serial, lot and expiry from the label")
    func receiveGS1() async throws {
        let inventory = try await pharmacy()
        // Given three scans: a raw DataMatrix read, a bracketed string and a Digital Link
        let lines = try ReceiveLine.parseAll([
            "]d201095060001343521727123110LOT-7\u{1D}21PEN-1",
            "(01)09506000134352(17)270600(10)LOT-7(21)PEN-2",
            "https://id.gs1.org/01/09506000134352/10/LOT-8/21/PEN-3?17=280131",
        ])
        // When they are received without naming the product
        let outcome = try await inventory.receive(
            ReceiveRequest(sku: nil, location: "WH1", lines: lines), context: .dock)
        // Then each unit has its label's data
        #expect(outcome.units.map(\.description) == ["MED-1/PEN-1", "MED-1/PEN-2", "MED-1/PEN-3"])
        let first = try await inventory.passport("MED-1/PEN-1").state
        #expect(first.lot == "LOT-7")
        #expect(first.expiry == "2027-12-31")
        #expect(try await inventory.passport("MED-1/PEN-2").state.expiry == "2027-06-30")
        #expect(try await inventory.passport("MED-1/PEN-3").state.lot == "LOT-8")
        #expect(try await inventory.verify().ok)
    }

    @Test("a GS1 scan of an unknown product names the GTIN; a wrong product is refused")
    func receiveUnknownGTIN() async throws {
        let inventory = try await pharmacy()
        let lines = try ReceiveLine.parseAll(["(01)04006381333931(21)X-1", "(01)09506000134352(21)PEN-9"])
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.receive(ReceiveRequest(sku: nil, location: "WH1", lines: lines), context: .dock)
        }
        #expect(rejected.problems.map(\.line) == [1])
        #expect(
            rejected.problems.first?.message.hasPrefix("GTIN 04006381333931 is not the GTIN of any product") == true)
        let wrong = try await #require(throws: BatchRejected.self) {
            try await inventory.receive(
                ReceiveRequest(sku: "EVM-200", location: "WH1", lines: [lines[1]]), context: .dock)
        }
        #expect(wrong.problems.first?.message == "GTIN 09506000134352 belongs to product MED-1, not EVM-200")
        #expect(try await inventory.store.head().sequence == 0)
    }

    @Test("unreadable receipt lines are reported with their numbers")
    func unreadableLines() throws {
        let rejected = try #require(throws: BatchRejected.self) {
            try ReceiveLine.parseAll(["OK-1", "(01)09506000134352(17)271331(21)X", "(01)09506000134352", "A B:c"])
        }
        #expect(rejected.problems.map(\.line) == [2, 3, 4])
        #expect(rejected.problems[0].message == "AI (17): month 13 is not a month")
        #expect(rejected.problems[1].message == "GTIN 09506000134352 without a serial (21) names a product, not a unit")
    }

    @Test("every command takes GS1 scans and Digital Links; double scans across forms are flagged")
    func actOnGS1() async throws {
        let inventory = try await pharmacy()
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "MED-1", location: "WH1", lines: [ReceiveLine(serial: "PEN-1"), ReceiveLine(serial: "PEN-2")]),
            context: .dock)
        let moved = try await inventory.move(
            [
                "https://id.gs1.org/01/09506000134352/21/PEN-1", "(01)09506000134352(21)PEN-1",
                "]d2010950600013435221PEN-2",
            ], to: "WH1-B", context: .dock)
        #expect(moved.units.map(\.serial) == ["PEN-1", "PEN-2"])
        #expect(moved.duplicates.map(\.line) == [2])
        #expect(try await inventory.passport("https://id.gs1.org/01/09506000134352/21/PEN-2").state.location == "WH1-B")
    }

    @Test("scans that name no unit say why")
    func badScans() async throws {
        let inventory = try await pharmacy()
        let rejected = try await #require(throws: BatchRejected.self) {
            try await inventory.move(
                ["(00)106141411234567897", "(01)09506000134352", "(01)04006381333931(21)X", "(01)09506000134353(21)X"],
                to: "WH1-B", context: .dock)
        }
        #expect(
            rejected.problems.map(\.message) == [
                "unknown container 106141411234567897: nothing was packed in it",
                "GTIN 09506000134352 without a serial (21) names a product, not a unit",
                "GTIN 04006381333931 is not the GTIN of any product",
                "AI (01): GTIN check digit is 3, expected 2",
            ])
    }
}

@Suite("Scanning RFID tags")
struct TagScanningTests {
    @Test("an SGTIN read from a tag, in hex or as a URI, finds the unit")
    func tags() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.addProduct(Product(sku: "MED-1", name: "Insulin pen", gtin: "09506000134352"))
        // Given a unit received from its EPC URI
        let lines = try ReceiveLine.parseAll(["urn:epc:id:sgtin:9506000.013435.4711"])
        _ = try await inventory.receive(ReceiveRequest(sku: nil, location: "WH1", lines: lines), context: .dock)
        // When its tag is read as hexadecimal
        let epc = try EPC.parse(uri: "urn:epc:id:sgtin:9506000.013435.4711")
        let hex = try epc.encode(scheme: try #require(EPCScheme.named("sgtin-96")), filter: 1)
        let moved = try await inventory.move([hex], to: "WH1-B", context: .dock)
        // Then the unit it names moves
        #expect(moved.units == [UnitKey(sku: "MED-1", serial: "4711")])
        #expect(try await inventory.passport("urn:epc:tag:sgtin-96:1.9506000.013435.4711").state.location == "WH1-B")
    }
}

@Suite("Scanning aliases as printed")
struct PrintedAliasTests {
    @Test("an IMEI typed with separators finds the phone; scanner line endings are ignored")
    func imeiWithSeparators() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "BP-75", location: "WH1",
                lines: [ReceiveLine(serial: "PH-1", aliases: [Alias(kind: .imei, value: "490154203237518")])]),
            context: .dock)
        let moved = try await inventory.move(["49-015420-323751-8"], to: "WH1-B", context: .dock)
        #expect(moved.units == [UnitKey(sku: "BP-75", serial: "PH-1")])
        #expect(try Identifiers.parse("(01)09506000134352(21)X\r\n").serial == "X")
        #expect(try Identifiers.parse("  1M8GDM9AXKP042788\t", as: .vin).vin?.wmi == "1M8")
    }
}
