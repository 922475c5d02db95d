import Foundation
import Testing
import UnitraceCore

@Suite("EPC")
struct EPCTests {
    struct Worked: Sendable, CustomTestStringConvertible {
        let tagURI: String
        let hex: String
        var testDescription: String { tagURI }
    }

    @Test(
        "worked examples of the Tag Data Standard decode and encode both ways",
        arguments: [
            Worked(tagURI: "urn:epc:tag:sgtin-96:3.0614141.812345.6789", hex: "3074257BF7194E4000001A85"),
            Worked(tagURI: "urn:epc:tag:sscc-96:3.0614141.1234567890", hex: "3174257BF4499602D2000000"),
            Worked(tagURI: "urn:epc:tag:gid-96:31415.271828.1414", hex: "350007AB70425D4000000586"),
        ])
    func worked(_ example: Worked) throws {
        let decoded = try EPC.decode(hex: example.hex)
        let scheme = try #require(decoded.scheme)
        #expect(try decoded.tagURI(scheme: scheme, filter: decoded.filter ?? 0) == example.tagURI)
        let parsed = try EPC.parse(uri: example.tagURI)
        #expect(try parsed.encode(scheme: scheme, filter: parsed.filter ?? 0) == example.hex)
        #expect(try EPC.decode(hex: example.hex.lowercased()) == decoded)
    }

    @Test("an SGTIN is a GTIN and a serial")
    func sgtinToGS1() throws {
        let epc = try EPC.decode(hex: "3074257BF7194E4000001A85")
        #expect(epc.pureIdentityURI == "urn:epc:id:sgtin:0614141.812345.6789")
        #expect(epc.gs1?.bracketed == "(01)80614141123458(21)6789")
        let back = try EPC.from(try GS1.parse("(01)80614141123458(21)6789"), companyPrefixLength: 7)
        #expect(back.pureIdentityURI == epc.pureIdentityURI)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let gs1: String
        let prefixLength: Int
        let pureIdentity: String
        let schemes: [String]
        var testDescription: String { pureIdentity }
    }

    @Test(
        "every GS1 key with an EPC converts to its URIs and binary schemes and back",
        arguments: [
            Case(
                gs1: "(01)80614141123458(21)6789", prefixLength: 7,
                pureIdentity: "urn:epc:id:sgtin:0614141.812345.6789", schemes: ["sgtin-96", "sgtin-198"]),
            Case(
                gs1: "(01)80614141123458(21)A/b-01", prefixLength: 7,
                pureIdentity: "urn:epc:id:sgtin:0614141.812345.A%2Fb-01", schemes: ["sgtin-198"]),
            Case(
                gs1: "(00)106141411234567897", prefixLength: 7, pureIdentity: "urn:epc:id:sscc:0614141.1123456789",
                schemes: ["sscc-96"]),
            Case(
                gs1: "(414)0614141000012(254)5678", prefixLength: 7, pureIdentity: "urn:epc:id:sgln:0614141.00001.5678",
                schemes: ["sgln-96", "sgln-195"]),
            Case(
                gs1: "(414)0614141000012", prefixLength: 7, pureIdentity: "urn:epc:id:sgln:0614141.00001.0",
                schemes: ["sgln-96", "sgln-195"]),
            Case(
                gs1: "(8003)006141411234525678", prefixLength: 7, pureIdentity: "urn:epc:id:grai:0614141.12345.5678",
                schemes: ["grai-96", "grai-170"]),
            Case(
                gs1: "(8004)0614141ABC-17", prefixLength: 7, pureIdentity: "urn:epc:id:giai:0614141.ABC-17",
                schemes: ["giai-202"]),
            Case(
                gs1: "(8004)06141415678", prefixLength: 7, pureIdentity: "urn:epc:id:giai:0614141.5678",
                schemes: ["giai-96", "giai-202"]),
            Case(
                gs1: "(8018)061414112345678902", prefixLength: 7, pureIdentity: "urn:epc:id:gsrn:0614141.1234567890",
                schemes: ["gsrn-96"]),
            Case(
                gs1: "(8017)061414112345678902(8019)1", prefixLength: 7,
                pureIdentity: "urn:epc:id:gsrnp:0614141.1234567890", schemes: ["gsrnp-96"]),
            Case(
                gs1: "(253)06141411234520042", prefixLength: 7, pureIdentity: "urn:epc:id:gdti:0614141.12345.0042",
                schemes: ["gdti-174"]),
            Case(
                gs1: "(253)06141411234524200", prefixLength: 7, pureIdentity: "urn:epc:id:gdti:0614141.12345.4200",
                schemes: ["gdti-96", "gdti-174"]),
            Case(
                gs1: "(255)06141411234520042", prefixLength: 7, pureIdentity: "urn:epc:id:sgcn:0614141.12345.0042",
                schemes: ["sgcn-96"]),
            Case(
                gs1: "(8010)0614141AB-12(8011)77", prefixLength: 7, pureIdentity: "urn:epc:id:cpi:0614141.AB-12.77",
                schemes: ["cpi-var"]),
            Case(
                gs1: "(8010)0614141123456(8011)77", prefixLength: 7, pureIdentity: "urn:epc:id:cpi:0614141.123456.77",
                schemes: ["cpi-96", "cpi-var"]),
        ])
    func conversions(_ example: Case) throws {
        let data = try GS1.parse(example.gs1)
        let epc = try EPC.from(data, companyPrefixLength: example.prefixLength)
        #expect(epc.pureIdentityURI == example.pureIdentity)
        #expect(try EPC.parse(uri: example.pureIdentity) == epc)
        #expect(epc.gs1.map { Set($0.elements) } == Set(data.elements.filter { $0.ai != "8019" }))
        for name in example.schemes {
            let scheme = try #require(EPCScheme.named(name))
            for filter in [0, 3, 7] {
                let hex = try epc.encode(scheme: scheme, filter: filter)
                let decoded = try EPC.decode(hex: hex)
                #expect(decoded.pureIdentityURI == example.pureIdentity, "\(name) \(hex)")
                #expect(decoded.filter == filter)
                #expect(decoded.scheme == scheme)
                let tag = try epc.tagURI(scheme: scheme, filter: filter)
                #expect(try EPC.parse(uri: tag).encode(scheme: scheme, filter: filter) == hex)
            }
        }
    }

    @Test("values that do not fit a scheme are refused with the reason")
    func refusals() throws {
        let leadingZero = try EPC.from(try GS1.parse("(01)80614141123458(21)0042"), companyPrefixLength: 7)
        let error = try #require(throws: InputError.self) {
            try leadingZero.encode(scheme: EPCScheme.named("sgtin-96")!, filter: 1)
        }
        #expect(error.message == "EPC: the serial '0042' has leading zeros, which sgtin-96 cannot keep")
        #expect(leadingZero.defaultScheme.name == "sgtin-198")
        let letters = try EPC.from(try GS1.parse("(01)80614141123458(21)A1"), companyPrefixLength: 7)
        let notNumber = try #require(throws: InputError.self) {
            try letters.encode(scheme: EPCScheme.named("sgtin-96")!, filter: 1)
        }
        #expect(notNumber.message == "EPC: the serial 'A1' is not a number, so it cannot be written as sgtin-96")
        #expect(throws: InputError.self) { try letters.encode(scheme: EPCScheme.named("sgtin-96")!, filter: 8) }
        #expect(throws: InputError.self) { try letters.encode(scheme: EPCScheme.named("sscc-96")!, filter: 1) }
        #expect(throws: InputError.self) {
            try EPC.from(try GS1.parse("(01)80614141123458(21)1"), companyPrefixLength: 13)
        }
        #expect(throws: InputError.self) { try EPC.from(try GS1.parse("(01)80614141123458"), companyPrefixLength: 7) }
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let input: String
        let message: String
        var testDescription: String { message }
    }

    @Test(
        "bad tag data and URIs are refused",
        arguments: [
            Bad(
                input: "3074257BF7194E4000001A8",
                message: "EPC: tag data must be an even number of hex digits (at most 128), got 23"),
            Bad(input: "3074257BF7194E4000001AXY", message: "EPC: character 'X' at position 23 is not a hex digit"),
            Bad(input: "E2801160600002054CC2096F", message: "EPC: header 0xE2 is not an EPC scheme Unitrace reads"),
            Bad(input: "3074257BF7194E40", message: "EPC: sgtin-96 needs 96 bits, the tag data has 64"),
            Bad(input: "307C257BF7194E4000001A85", message: "EPC: partition value 7 is not defined for sgtin-96"),
            Bad(
                input: "urn:epc:id:sgtin:0614141.81234.6789",
                message: "EPC: company prefix and reference must have 13 digits together, got 12"),
            Bad(
                input: "urn:epc:id:sgtin:0614141.812345",
                message: "EPC: a sgtin URI has 3 fields separated by '.', got 2"),
            Bad(
                input: "urn:epc:tag:sgtin-96:9.0614141.812345.6789",
                message: "EPC: the filter value must be a digit from 0 to 7"),
            Bad(
                input: "urn:epc:tag:sgtin-96:3.0614141.812345.06789",
                message: "EPC: the serial '06789' has leading zeros, which sgtin-96 cannot keep"),
            Bad(input: "urn:epc:id:foo:1.2.3", message: "EPC: 'foo' is not an EPC scheme Unitrace reads"),
        ])
    func refused(_ bad: Bad) throws {
        let error = try #require(throws: InputError.self) {
            bad.input.hasPrefix("urn:") ? try EPC.parse(uri: bad.input) : try EPC.decode(hex: bad.input)
        }
        #expect(error.message == bad.message)
    }

    @Test("random SGTINs round-trip through every form")
    func randomSGTINs() throws {
        var random = SeededRandom(state: 96)
        for _ in 0..<2_000 {
            let prefixLength = Int.random(in: 6...12, using: &random)
            let body = (0..<13).map { _ in Int.random(in: 0...9, using: &random) }
            let gtin = body.map(String.init).joined() + String(GS1.checkDigit(of: body))
            let serial = String(UInt64.random(in: 0..<(1 << 38), using: &random))
            let data = try GS1.parse("(01)\(gtin)(21)\(serial)")
            let epc = try EPC.from(data, companyPrefixLength: prefixLength)
            let filter = Int.random(in: 0...7, using: &random)
            let hex = try epc.encode(scheme: EPCScheme.named("sgtin-96")!, filter: filter)
            let decoded = try EPC.decode(hex: hex)
            #expect(decoded.gs1 == data)
            #expect(decoded.filter == filter)
            #expect(try EPC.parse(uri: decoded.pureIdentityURI).gs1 == data)
        }
    }
}
