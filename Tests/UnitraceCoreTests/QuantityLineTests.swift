import Foundation
import Testing

@testable import UnitraceCore

@Suite("Quantity lines of an event")
struct QuantityLineTests {
    @Test("a quantity is a positive decimal in its shortest spelling, with a UN/ECE unit code")
    func validation() throws {
        #expect(try QuantityLine(sku: "YOG-1", lot: "L1", quantity: "2.50", uom: "KGM").quantity == "2.5")
        #expect(try QuantityLine(sku: "SCREW-4", quantity: "100").quantity == "100")
        for bad in ["0", "-1", "1e3", "abc", "", "1,5", "NaN"] {
            let error = #expect(throws: InputError.self) { try QuantityLine(sku: "YOG-1", quantity: bad) }
            #expect(error?.message.contains("quantity") == true, "\(bad)")
        }
        let unit = #expect(throws: InputError.self) { try QuantityLine(sku: "YOG-1", quantity: "1", uom: "kg") }
        #expect(unit?.message.contains("unit of measure 'kg'") == true)
    }

    @Test("an event without quantities encodes as before; one with them, in key order, and reads back the same")
    func canonicalForm() throws {
        var event = Event(
            id: UUID(uuidString: "6A0F4F0E-2B51-4D1E-9A0C-5D7B1E2F3A40")!, kind: .move,
            occurredAt: Timestamp(millisecondsSince1970: 1_800_000_000_000),
            recordedAt: Timestamp(millisecondsSince1970: 1_800_000_000_000), location: "WH1", actor: "dock",
            reason: "restock", units: [])
        let before = String(decoding: LedgerHash.canonicalEncoding(of: event), as: UTF8.self)
        #expect(!before.contains("quantities"))
        event.quantities = []
        #expect(String(decoding: LedgerHash.canonicalEncoding(of: event), as: UTF8.self) == before)
        event.quantities = [try QuantityLine(sku: "YOG-1", lot: "L1", quantity: "2.5", uom: "KGM")]
        let text = String(decoding: LedgerHash.canonicalEncoding(of: event), as: UTF8.self)
        #expect(
            text.contains(
                #""occurredAt":"2027-01-15T08:00:00.000Z","quantities":[{"lot":"L1","quantity":"2.5","sku":"YOG-1","uom":"KGM"}],"reason":"restock""#
            ), "\(text)")
        let decoded = try JSONDecoder().decode(Event.self, from: Data(text.utf8))
        #expect(decoded == event)
        #expect(LedgerHash.canonicalEncoding(of: decoded) == LedgerHash.canonicalEncoding(of: event))
    }

    @Test("in EPCIS a quantity line is a quantity element: the product's class, its lot, quantity and unit")
    func epcisForm() throws {
        var event = Event(
            id: UUID(), kind: .move, occurredAt: Timestamp(millisecondsSince1970: 1_800_000_000_000),
            recordedAt: Timestamp(millisecondsSince1970: 1_800_000_000_000), location: "WH1", actor: "dock",
            units: [])
        event.quantities = [
            try QuantityLine(sku: "YOG-1", lot: "L1", quantity: "2.5", uom: "KGM"),
            try QuantityLine(sku: "EVM-200", lot: "L7", quantity: "3"),
            try QuantityLine(sku: "SCREW-4", quantity: "100"),
        ]
        var withPrefix = Product(sku: "SCREW-4", name: "Screw", gtin: "00614141107346")
        withPrefix.companyPrefixLength = 7
        let catalogue = EPCISMapping.Catalogue(products: [
            "EVM-200": Product(sku: "EVM-200", name: "Motor", gtin: "03760123450010"), "SCREW-4": withPrefix,
        ])
        let fields = EPCISMapping.json(of: event, catalogue: catalogue)
        let elements = try #require(fields["quantityList"]?.array)
        #expect(
            elements == [
                .object([
                    "epcClass": .string("urn:unitrace:class:YOG-1:L1"), "quantity": .number("2.5"),
                    "uom": .string("KGM"),
                ]),
                .object(["epcClass": .string("https://id.gs1.org/01/03760123450010/10/L7"), "quantity": .number("3")]),
                .object(["epcClass": .string("https://id.gs1.org/01/00614141107346"), "quantity": .number("100")]),
            ])
        let lot = EPCISMapping.classURI(sku: "SCREW-4", lot: "A1", catalogue: catalogue)
        #expect(lot == "urn:epc:class:lgtin:0614141.010734.A1")
    }
}
