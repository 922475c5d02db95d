import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@Suite("Timestamps")
struct TimestampTests {
    @Test("the offset given is kept and printed back")
    func keepsOffset() throws {
        let time = try Timestamp(iso8601: "2026-11-27T14:03:00+01:00")
        #expect(time.offsetSeconds == 3600)
        #expect(time.iso8601 == "2026-11-27T14:03:00.000+01:00")
        #expect(time.millisecondsSince1970 == 1_795_784_580_000)
        #expect(
            try Timestamp(iso8601: "2026-11-27T13:03:00Z")
                == Timestamp(millisecondsSince1970: 1_795_784_580_000, offsetSeconds: 0))
    }

    @Test("fractions, negative offsets and leap days")
    func variants() throws {
        #expect(try Timestamp(iso8601: "2024-02-29T23:59:59.5-05:30").iso8601 == "2024-02-29T23:59:59.500-05:30")
        #expect(try Timestamp(iso8601: "1969-12-31T23:59:59.999Z").millisecondsSince1970 == -1)
        #expect(try Timestamp(iso8601: "2026-01-01T00:00+0200").year == 2026)
    }

    @Test(
        "bad times are refused with the reason",
        arguments: [
            ("2026-13-01T00:00:00Z", "has month 13"),
            ("2025-02-29T00:00:00Z", "has day 29"),
            ("2026-11-27T14:03:00", "has no time-zone offset"),
            ("2026-11-27", "has no time HH:MM"),
            ("27/11/2026 14:03", "does not start with a date"),
            ("2026-11-27T25:00:00Z", "is not a time of day"),
            ("2026-11-27T10:00:00Zjunk", "has extra characters"),
        ])
    func refused(_ input: String, _ reason: String) throws {
        let error = try #require(throws: InputError.self) { try Timestamp(iso8601: input) }
        #expect(error.message.contains(reason), "\(error.message)")
        #expect(error.message.contains(input))
    }
}

@Suite("Ledger hash")
struct LedgerHashTests {
    let event = Event(
        id: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!, kind: .receive,
        occurredAt: try! Timestamp(iso8601: "2026-11-27T10:15:00+01:00"),
        recordedAt: try! Timestamp(iso8601: "2026-11-27T09:15:01Z"), location: "WH1", actor: "ada",
        units: [EventLine(unit: .motor117)])

    @Test("the canonical encoding is sorted JSON and stable")
    func canonical() {
        let text = String(decoding: LedgerHash.canonicalEncoding(of: event), as: UTF8.self)
        #expect(
            text
                == #"{"actor":"ada","businessStep":"receiving","documents":[],"id":"00000000-0000-4000-8000-000000000001","kind":"receive","location":"WH1","occurredAt":"2026-11-27T10:15:00.000+01:00","recordedAt":"2026-11-27T09:15:01.000Z","units":[{"serial":"M-000117","sku":"EVM-200"}]}"#
        )
    }

    @Test("any change to the event or to the previous hash changes the hash")
    func sensitive() {
        let base = LedgerHash.next(previous: .genesis, event: event)
        var moved = event
        moved.location = "WH2"
        #expect(LedgerHash.next(previous: .genesis, event: moved) != base)
        let other = LedgerHash.next(previous: base, event: event)
        #expect(other != base)
        #expect(base.hex.count == 64)
        #expect(LedgerHash.Digest(hex: base.hex) == base)
        #expect(LedgerHash.Digest(hex: "xyz") == nil)
    }
}

@Suite("Identifiers and fields")
struct IdentifierTests {
    @Test("GTIN check digits")
    func gtin() throws {
        try GTIN.validate("03760123450010")
        try GTIN.validate("4006381333931")
        let error = try #require(throws: InputError.self) { try GTIN.validate("4006381333932") }
        #expect(error.message == "GTIN check digit is 2, expected 1")
        #expect(throws: InputError.self) { try GTIN.validate("40063813339") }
        #expect(throws: InputError.self) { try GTIN.validate("40063813339AB") }
    }

    @Test("unit keys split at the first slash")
    func unitKeys() {
        #expect(UnitKey(parsing: "EVM-200/M-000117") == .motor117)
        #expect(UnitKey(parsing: "EVM-200/A/B")?.serial == "A/B")
        #expect(UnitKey(parsing: "M-000117") == nil)
        #expect(UnitKey(parsing: "/M-1") == nil)
    }

    @Test("codes, serials, aliases and documents")
    func fields() throws {
        #expect(throws: InputError.self) { try Field.code("WH 1", name: "location code") }
        #expect(throws: InputError.self) { try Field.code("EVM/200", name: "SKU") }
        #expect(throws: InputError.self) { try Field.serial("M 1") }
        #expect(throws: InputError.self) { try Field.serial("") }
        #expect(try Alias(parsing: "imei:490154203237518") == Alias(kind: .imei, value: "490154203237518"))
        let alias = try #require(throws: InputError.self) { try Alias(parsing: "serialno:1") }
        #expect(alias.message.contains("'serialno' is not one of"))
        #expect(try DocumentRef(parsing: "po:PO-4711") == DocumentRef(type: "po", id: "PO-4711"))
        #expect(throws: InputError.self) { try DocumentRef(parsing: "PO-4711") }
        #expect(try Field.attribute("color=red") == ("color", "red"))
        #expect(throws: InputError.self) { try Field.attribute("color") }
    }

    @Test("VIN check digits")
    func vin() {
        #expect(VIN.checkCharacter(of: "1M8GDM9AXKP042788") == "X")
        #expect(VIN.withCheckDigit("1M8GDM9A0KP042788") == "1M8GDM9AXKP042788")
        #expect(VIN.checkCharacter(of: "SHORT") == nil)
    }

    @Test("sales are checked")
    func sales() throws {
        _ = try Sale(customer: "C-1", channel: "store:SHOP", price: "1299.00", currency: "EUR").validated()
        #expect(throws: InputError.self) { try Sale(customer: nil, channel: "phone").validated() }
        #expect(throws: InputError.self) { try Sale(customer: nil, channel: "online", price: "12,00").validated() }
        #expect(throws: InputError.self) {
            try Sale(customer: nil, channel: "online", price: "1", currency: "euro").validated()
        }
    }

    @Test("products and locations are checked")
    func catalogue() throws {
        #expect(throws: InputError.self) { try Product(sku: "A B", name: "x").validated() }
        #expect(throws: InputError.self) { try Product(sku: "A", name: " ").validated() }
        #expect(throws: InputError.self) { try Product(sku: "A", name: "x", gtin: "123").validated() }
        #expect(throws: InputError.self) {
            try Product(sku: "A", name: "x", warranty: WarrantyPolicy(months: -1, basis: .sale)).validated()
        }
        #expect(throws: InputError.self) { try Location(code: "X", name: "x", kind: .customer).validated() }
        #expect(throws: InputError.self) { try Location(code: "X", name: "x", kind: .bin, parent: "X").validated() }
    }
}
