import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@Suite("GS1 keys and check digits")
struct GS1KeyTests {
    @Test(
        "published keys carry valid check digits",
        arguments: [
            "4006381333931",  // EAN-13
            "036000291452",  // UPC-A
            "09506000134352",  // GTIN-14 of the GS1 Digital Link examples
            "106141411234567897",  // SSCC
            "0614141000012",  // GLN
        ])
    func published(_ key: String) throws {
        #expect(try GS1.appendingCheckDigit(String(key.dropLast())) == key)
    }

    @Test("check-digit input is digits only")
    func badDigits() throws {
        let error = try #require(throws: InputError.self) { try GS1.appendingCheckDigit("95060A0134352") }
        #expect(error.message == "character 'A' at position 6: only digits are allowed")
        #expect(throws: InputError.self) { try GS1.appendingCheckDigit("") }
    }

    @Test("GMN check character pair (GS1 published example)")
    func gmn() throws {
        let data = try GS1.parse("(8013)1987654Ad4X4bL5ttr2310c2K")
        #expect(data.elements.first?.value == "1987654Ad4X4bL5ttr2310c2K")
        #expect(throws: InputError.self) { try GS1.parse("(8013)1987654Ad4X4bL5ttr2310c2L") }
    }

    @Test("two-digit years follow the sliding window")
    func years() {
        #expect(GS1.fullYear(27, reference: 2026) == 2027)
        #expect(GS1.fullYear(76, reference: 2026) == 2076)
        #expect(GS1.fullYear(77, reference: 2026) == 1977)
        #expect(GS1.fullYear(99, reference: 2051) == 2099)
        #expect(GS1.fullYear(0, reference: 2051) == 2100)
    }
}

@Suite("GS1 element strings")
struct ElementStringTests {
    let gs = "\u{1D}"

    @Test("a DataMatrix scan with symbology identifier and group separator")
    func scanned() throws {
        let data = try GS1.parse("]d201095060001343521727123110ABC123\(gs)21XYZ")
        #expect(data.elements.map(\.ai) == ["01", "17", "10", "21"])
        #expect(data.gtin == "09506000134352")
        #expect(data.lot == "ABC123")
        #expect(data.serial == "XYZ")
        #expect(data.expiry == "2027-12-31")
        #expect(data.bracketed == "(01)09506000134352(17)271231(10)ABC123(21)XYZ")
        #expect(data.elementString == "01095060001343521727123110ABC123\(gs)21XYZ")
    }

    @Test(
        "bracketed and scanned forms round-trip",
        arguments: [
            "(01)09506000134352(10)ABC(21)12345",
            "(00)106141411234567897(400)PO-4711(403)ROUTE-9",
            "(01)09506000134352(3103)000195(17)260200",
            "(414)0614141000012(254)EXT-1",
            "(8004)0614141ASSET-77",
            "(01)09506000134352(21)A\\(B)C",
        ])
    func roundTrip(_ bracketed: String) throws {
        let data = try GS1.parse(bracketed)
        #expect(data.bracketed == bracketed)
        #expect(try GS1.parse(data.elementString) == data)
        #expect(
            try DigitalLink.parse(DigitalLink.make(data)).elements.sorted { $0.ai < $1.ai }
                == data.elements.sorted { $0.ai < $1.ai })
    }

    @Test("day 00 is the last day of the month")
    func dayZero() throws {
        #expect(try GS1.parse("(01)09506000134352(17)280200").expiry == "2028-02-29")
        #expect(try GS1.parse("(01)09506000134352(17)270200").expiry == "2027-02-28")
        let error = try #require(throws: InputError.self) { try GS1.parse("(01)09506000134352(7006)270200") }
        #expect(error.message == "AI (7006): day 00 is not a day")
    }

    @Test(
        "bad data is refused with what is wrong and where",
        arguments: [
            BadInput(input: "(01)09506000134352(17)271331", message: "AI (17): month 13 is not a month"),
            BadInput(input: "(01)09506000134353", message: "AI (01): GTIN check digit is 3, expected 2"),
            BadInput(input: "(01)0950600013435", message: "AI (01): the value is 13 characters long, 14 are needed"),
            BadInput(input: "(10)ABC", message: "AI (10) needs one of (01), (02), (8006), (8026) with it"),
            BadInput(
                input: "(01)09506000134352(02)09506000134352(37)1",
                message: "AI (01) and AI (02) cannot be used together"),
            BadInput(input: "(01)09506000134352(21)A(21)B", message: "AI (21) appears twice with different values"),
            BadInput(
                input: "(01)09506000134352(10)ABCDEFGHIJKLMNOPQRSTU",
                message: "AI (10): the value is 21 characters long, at most 20 are allowed"),
            BadInput(
                input: "(01)09506000134352(21)AB~",
                message: "AI (21): character '~' at position 3: it is not in GS1 character set 82"),
            BadInput(input: "(99)", message: "AI (99): the value is empty"),
            BadInput(input: "(23)X", message: "(23) is not a GS1 Application Identifier"),
            BadInput(input: "(01)09506000134352(17", message: "'(' at position 19 is never closed"),
            BadInput(
                input: "]d2010950600013435",
                message: "AI (01): the value is 13 characters long, 14 are needed (truncated read?)"),
            BadInput(
                input: "]d2010950600013435217",
                message: "AI (17): the value is 0 characters long, 6 are needed (truncated read?)"),
            BadInput(input: "]d1ABC", message: "symbology identifier ]d1 does not carry GS1 data"),
            BadInput(input: "]C1", message: "no GS1 data after the symbology identifier"),
            BadInput(input: "]C1x", message: "no GS1 Application Identifier starts at position 4 ('x…')"),
            BadInput(
                input: "]C142225009506000134352", message: "AI (422): a group separator must follow its 3 characters"),
            BadInput(input: "(01)09506000134352(422)095", message: "AI (422): 095 is not an ISO 3166 country code"),
            BadInput(
                input: "(8020)X(415)0614141000012(3911)001100",
                message: "AI (3911): 001 is not an ISO 4217 currency code"),
            BadInput(
                input: "(00)106141411234567897(4307)XX",
                message: "AI (4307): XX is not an ISO 3166 alpha-2 country code"),
            BadInput(input: "(01)09506000134352(4321)2", message: "AI (4321): must be 0 (no) or 1 (yes)"),
            BadInput(
                input: "(01)09506000134352(8006)095060001343520102",
                message: "AI (8006) and AI (01) cannot be used together"),
            BadInput(
                input: "(415)0614141000012(8020)X(8007)GB82WEST12345698765433",
                message: "AI (8007): IBAN check digits are wrong"),
        ])
    func refused(_ bad: BadInput) throws {
        let error = try #require(throws: InputError.self) { try GS1.parse(bad.input) }
        #expect(error.message == bad.message)
        #expect(error.code == .invalidIdentifier)
    }

    @Test("syntax-only checks each AI but not the rules between them")
    func syntaxOnly() throws {
        #expect(try GS1.parse("(10)ABC", syntaxOnly: true).lot == "ABC")
        #expect(try GS1.parse("(21)A(21)B", syntaxOnly: true).elements.count == 2)
        #expect(throws: InputError.self) { try GS1.parse("(17)271331", syntaxOnly: true) }
    }

    @Test("repeated AIs with the same value are kept once; IBAN, EAN-13 scans")
    func repeatsAndOthers() throws {
        #expect(try GS1.parse("(01)09506000134352(21)A(21)A").elements.count == 2)
        #expect(try GS1.parse("(415)0614141000012(8020)X(8007)GB82WEST12345698765432").elements.count == 3)
        #expect(try GS1.parse("]E04006381333931").gtin == "04006381333931")
    }

    @Test("EAN/UPC symbology identifiers carry their own fixed lengths")
    func eanIdentifiers() throws {
        #expect(try GS1.parse("]E496385074").gtin == "00000096385074")
        #expect(try GS1.parse("]E00012345678905").gtin == "00012345678905")
        for (scan, fragment) in [
            ("]E096385074", "carries exactly 13 digits"), ("]E4012345678905", "carries exactly 8 digits"),
            ("]E04006381333932", "check digit"),
        ] {
            let error = try #require(throws: InputError.self) { try GS1.parse(scan) }
            #expect(error.message.contains(fragment), "\(scan): \(error.message)")
        }
    }

    @Test("the digital signature needs a key with its serial component, as the current syntax dictionary says")
    func digitalSignature() throws {
        let signature = "(8030)" + String(repeating: "A", count: 40)
        #expect(try GS1.parse("(01)09506000134352(21)X" + signature).elements.count == 3)
        #expect(try GS1.parse("(00)106141411234567897" + signature).elements.count == 2)
        let bare = try #require(throws: InputError.self) { try GS1.parse("(01)09506000134352" + signature) }
        #expect(bare.message.contains("(01)+(21)"), "\(bare.message)")
        #expect(throws: InputError.self) { try GS1.parse("(8010)0614141A(8030)" + String(repeating: "B", count: 8)) }
        #expect(try GS1.parse("(8010)0614141A(8011)12(8030)" + String(repeating: "B", count: 8)).elements.count == 3)
    }

    @Test("raw messages without a symbology identifier, and group separators that are not needed")
    func rawAndRedundant() throws {
        let raw = "0109506000134352\u{1D}17271231\u{1D}\u{1D}10ABC\u{1D}21XYZ\u{1D}"
        #expect(Identifiers.detect(raw) == .gs1)
        let data = try GS1.parse(raw)
        #expect(data.elements.map(\.ai) == ["01", "17", "10", "21"])
        #expect(data.serial == "XYZ")
        #expect(try GS1.parse("]d2\u{1D}\u{1D}010950600013435221S").serial == "S")
        // a separator inside a fixed-length value is still an error
        #expect(throws: InputError.self) { try GS1.parse("]d201095060\u{1D}0013435221S") }
    }
}

@Suite("GS1 Digital Link")
struct DigitalLinkTests {
    @Test("path qualifiers and query attributes become AIs")
    func parse() throws {
        let data = try DigitalLink.parse(
            "https://id.gs1.org/01/09506000134352/10/ABC%2F1/21/XYZ?17=271231&linkType=gs1:pip")
        #expect(data.elements.map(\.ai) == ["01", "10", "21", "17"])
        #expect(data.lot == "ABC/1")
        #expect(data.expiry == "2027-12-31")
    }

    @Test("a custom stem with its own path; a GTIN in the path has 14 digits")
    func customStem() throws {
        let data = try DigitalLink.parse("https://brand.example/products/01/04006381333931/21/S1")
        #expect(data.gtin == "04006381333931")
        let short = try #require(throws: InputError.self) {
            try DigitalLink.parse("https://brand.example/products/01/4006381333931/21/S1")
        }
        #expect(
            short.message
                == "Digital Link: a GTIN in the path is written with 14 digits: /01/04006381333931, not /01/4006381333931"
        )
        #expect(
            try DigitalLink.make(data, stem: "https://brand.example/products")
                == "https://brand.example/products/01/04006381333931/21/S1")
    }

    @Test("generation percent-encodes and orders qualifiers")
    func makeOrdered() throws {
        let data = GS1Data(elements: [
            GS1Element(ai: "21", value: "S/1"), GS1Element(ai: "17", value: "271231"),
            GS1Element(ai: "01", value: "09506000134352"), GS1Element(ai: "10", value: "L1"),
        ])
        #expect(try DigitalLink.make(data) == "https://id.gs1.org/01/09506000134352/10/L1/21/S%2F1?17=271231")
    }

    @Test("only permitted data attributes go in the query, in parsing and in writing")
    func dataAttributes() throws {
        let refused = try #require(throws: InputError.self) {
            try DigitalLink.parse("https://id.gs1.org/01/09506000134352?8200=https%3A%2F%2Fexample.com")
        }
        #expect(refused.message == "Digital Link: AI (8200) cannot be a Digital Link data attribute")
        let data = try GS1.parse("(01)09506000134352(8200)https://example.com")
        let unwritable = try #require(throws: InputError.self) { try DigitalLink.make(data) }
        #expect(unwritable.message.contains("AI (8200) cannot appear in a Digital Link URI"))
        // A GTIN as a data attribute of a GLN is permitted
        #expect(try DigitalLink.parse("https://id.gs1.org/414/0614141123452?01=09506000134352").gtin != nil)
    }

    @Test("scheme and host in any case, IPv6 hosts; the path keeps its case; a query AI given once")
    func uriRules() throws {
        #expect(try DigitalLink.parse("HTTPS://ID.GS1.ORG/01/09506000134352/21/Ab").serial == "Ab")
        #expect(try DigitalLink.parse("Http://[2001:db8::1]:8443/01/09506000134352/21/X").serial == "X")
        #expect(try DigitalLink.parse("https://[::1]/01/09506000134352").gtin == "09506000134352")
        let twice = try #require(throws: InputError.self) {
            try DigitalLink.parse("https://id.gs1.org/01/09506000134352?17=271231&17=271231")
        }
        #expect(twice.message == "Digital Link: query parameter 17 is given twice")
        #expect(throws: InputError.self) { try DigitalLink.parse("https://[zz::1/01/09506000134352") }
        #expect(throws: InputError.self) { try DigitalLink.parse("https://[nothost]/01/09506000134352") }
    }

    @Test(
        "bad URIs are refused",
        arguments: [
            BadInput(
                input: "ftp://id.gs1.org/01/09506000134352",
                message: "Digital Link: must start with http:// or https://"),
            BadInput(
                input: "https://id.gs1.org/10/ABC",
                message: "Digital Link: the path holds no GS1 primary key such as /01/<GTIN> or /00/<SSCC>"),
            BadInput(
                input: "https://id.gs1.org/01/09506000134352/21/X/10/L",
                message: "Digital Link: after /01/ the path may hold /22/10/21 or /235 in that order, not /21/10"),
            BadInput(
                input: "https://id.gs1.org/01/09506000134352?21=X",
                message: "Digital Link: AI (21) belongs in the path, not in the query"),
            BadInput(
                input: "https://id.gs1.org/01/09506000134353", message: "AI (01): GTIN check digit is 3, expected 2"),
            BadInput(
                input: "https://id.gs1.org/01/09506000134352/21/%ZZ",
                message: "Digital Link: AI (21): '%ZZ' is not valid percent-encoding"),
            BadInput(
                input: "https://id.gs1.org/01/0950600 0134352",
                message: "Digital Link: character ' ' at position 30 is not allowed in a URI"),
        ])
    func refused(_ bad: BadInput) throws {
        let error = try #require(throws: InputError.self) { try DigitalLink.parse(bad.input) }
        #expect(error.message == bad.message)
    }
}

@Suite("IMEI and VIN")
struct DeviceIdentifierTests {
    @Test("IMEI with separators, and IMEISV")
    func imei() throws {
        let imei = try IMEI(parsing: "49-015420-323751-8")
        #expect(imei.tac == "49015420")
        #expect(imei.serial == "323751")
        #expect(imei.checkDigit == "8")
        #expect(try IMEI(parsing: "3568 4006 4516 5412").softwareVersion == "12")
        #expect(throws: InputError.self) { try IMEI(parsing: "490154203237519") }
        #expect(throws: InputError.self) { try IMEI(parsing: "49015420323751") }
        let letter = try #require(throws: InputError.self) { try IMEI(parsing: "49015420323751X") }
        #expect(letter.message == "IMEI: character 'X' at position 15 is not a digit")
    }

    @Test("VIN sections and the North American check digit")
    func vin() throws {
        let vin = try VehicleIdentification(parsing: "1M8GDM9AXKP042788")
        #expect(vin.wmi == "1M8")
        #expect(vin.vds == "GDM9AX")
        #expect(vin.vis == "KP042788")
        #expect(vin.checkDigitValid)
        let wrong = try #require(throws: InputError.self) { try VehicleIdentification(parsing: "1M8GDM9A1KP042788") }
        #expect(wrong.message == "VIN: check digit is 1, expected X")
        // Outside North America the check digit is reported, not enforced.
        #expect(try VehicleIdentification(parsing: "WVWZZZ1KZ6W000001").checkDigitValid == false)
        let lower = try #require(throws: InputError.self) { try VehicleIdentification(parsing: "1m8GDM9AXKP042788") }
        #expect(lower.message.contains("lower case"))
        #expect(throws: InputError.self) { try VehicleIdentification(parsing: "1M8GDM9AXKP04278O") }
        #expect(throws: InputError.self) { try VehicleIdentification(parsing: "1M8GDM9AXKP04278") }
    }
}

@Suite("North American coupons")
struct CouponTests {
    @Test("a coupon code (8110) is read field by field, optional fields in order")
    func couponCode() throws {
        // company prefix VLI 0 (6 digits), offer code, save value, first purchase requirement, code, family
        let base = "0" + "123456" + "123456" + "1" + "5" + "1" + "1" + "0" + "123"
        #expect(try GS1.parse("(8110)" + base).elements.count == 1)
        let optional =
            base + "1" + "0" + "1" + "2" + "0" + "456" + "9" + "3" + "271231" + "4" + "270101" + "5" + "0" + "000042"
            + "6" + "1" + "0614141" + "9" + "0" + "0" + "1" + "0"
        #expect(try GS1.parse("(8110)" + optional).elements.count == 1)
        for (value, fragment) in [
            ("7" + "1234567890123" + "123456" + "15110123", "company prefix length indicator 7"),
            (base + "7", "data left at position 22"),
            (base + "3" + "271231" + "4" + "280101", "expires before it starts"),
            (base + "3" + "271331", "expiration date is not a date"),
            ("0123456123456151101", "first purchase family code needs 3 digits"),
            ("0123456123456151161", "first purchase requirement code 6"),
            ("0A23456123456151101", "digits only"),
        ] {
            let error = try #require(throws: InputError.self) { try GS1.parse("(8110)" + value) }
            #expect(error.message.hasPrefix("AI (8110): "), "\(error.message)")
            #expect(error.message.contains(fragment), "\(value): \(error.message)")
        }
    }

    @Test("a positive offer file coupon (8112) has format, funder, offer and serial, nothing more")
    func positiveOffer() throws {
        #expect(try GS1.parse("(8112)001234561234560123456").elements.count == 1)
        #expect(
            try GS1.parse("(8112)" + "1" + "6" + "123456789012" + "123456" + "9" + "123456789012345").elements.count
                == 1)
        for (value, fragment) in [
            ("201234561234560123456", "format code 2"), ("0012345612345601234567", "data left"),
            ("07123456", "funder id length indicator 7"), ("00123456123456", "serial number length indicator"),
        ] {
            let error = try #require(throws: InputError.self) { try GS1.parse("(8112)" + value) }
            #expect(error.message.contains(fragment), "\(value): \(error.message)")
        }
    }
}
