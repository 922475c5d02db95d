import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@Suite("EPC")
struct EPCTests {
    struct Worked: Sendable, CustomTestStringConvertible {
        let gs1: String?
        let pureIdentity: String
        let tagURI: String
        /// Bit-exact, as the standard prints it (tags pad to whole 16-bit words with zeros).
        let hex: String
        var testDescription: String { tagURI }
    }

    /// The worked examples of the EPC Tag Data Standard, one per binary scheme (company prefix length 7,
    /// filter 3), with the printing errors of the document corrected.
    @Test(
        "worked examples of the Tag Data Standard translate every way",
        arguments: [
            Worked(
                gs1: "(01)80614141123458(21)6789", pureIdentity: "urn:epc:id:sgtin:0614141.812345.6789",
                tagURI: "urn:epc:tag:sgtin-96:3.0614141.812345.6789", hex: "3074257BF7194E4000001A85"),
            Worked(
                gs1: "(01)70614141123451(21)32a/b", pureIdentity: "urn:epc:id:sgtin:0614141.712345.32a%2Fb",
                tagURI: "urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb",
                hex: "3674257BF6B7A659B2C2BF1000000000000000000000000000"),
            Worked(
                gs1: "(00)106141412345678908", pureIdentity: "urn:epc:id:sscc:0614141.1234567890",
                tagURI: "urn:epc:tag:sscc-96:3.0614141.1234567890", hex: "3174257BF4499602D2000000"),
            Worked(
                gs1: "(414)0614141123452(254)5678", pureIdentity: "urn:epc:id:sgln:0614141.12345.5678",
                tagURI: "urn:epc:tag:sgln-96:3.0614141.12345.5678", hex: "3274257BF46072000000162E"),
            Worked(
                gs1: "(414)0614141123452(254)32a/b", pureIdentity: "urn:epc:id:sgln:0614141.12345.32a%2Fb",
                tagURI: "urn:epc:tag:sgln-195:3.0614141.12345.32a%2Fb",
                hex: "3974257BF46072CD9615F8800000000000000000000000000"),
            Worked(
                gs1: "(8003)006141411234525678", pureIdentity: "urn:epc:id:grai:0614141.12345.5678",
                tagURI: "urn:epc:tag:grai-96:3.0614141.12345.5678", hex: "3374257BF40C0E400000162E"),
            Worked(
                gs1: "(8003)0061414112345232a/b", pureIdentity: "urn:epc:id:grai:0614141.12345.32a%2Fb",
                tagURI: "urn:epc:tag:grai-170:3.0614141.12345.32a%2Fb",
                hex: "3774257BF40C0E59B2C2BF100000000000000000000"),
            Worked(
                gs1: "(8004)06141415678", pureIdentity: "urn:epc:id:giai:0614141.5678",
                tagURI: "urn:epc:tag:giai-96:3.0614141.5678", hex: "3474257BF40000000000162E"),
            Worked(
                gs1: "(8004)061414132a/b", pureIdentity: "urn:epc:id:giai:0614141.32a%2Fb",
                tagURI: "urn:epc:tag:giai-202:3.0614141.32a%2Fb",
                hex: "3874257BF59B2C2BF1000000000000000000000000000000000"),
            Worked(
                gs1: "(8018)061414112345678902", pureIdentity: "urn:epc:id:gsrn:0614141.1234567890",
                tagURI: "urn:epc:tag:gsrn-96:3.0614141.1234567890", hex: "2D74257BF4499602D2000000"),
            Worked(
                gs1: "(8017)061414112345678902", pureIdentity: "urn:epc:id:gsrnp:0614141.1234567890",
                tagURI: "urn:epc:tag:gsrnp-96:3.0614141.1234567890", hex: "2E74257BF4499602D2000000"),
            Worked(
                gs1: "(253)06141411234525678", pureIdentity: "urn:epc:id:gdti:0614141.12345.5678",
                tagURI: "urn:epc:tag:gdti-96:3.0614141.12345.5678", hex: "2C74257BF46072000000162E"),
            Worked(
                gs1: "(253)4012345987652ABCDefgh012345678",
                pureIdentity: "urn:epc:id:gdti:4012345.98765.ABCDefgh012345678",
                tagURI: "urn:epc:tag:gdti-174:3.4012345.98765.ABCDefgh012345678",
                hex: "3E74F4E4E7039B061438997367D0C18B266D1AB66EE0"),
            Worked(
                gs1: "(8010)061414198765(8011)12345", pureIdentity: "urn:epc:id:cpi:0614141.98765.12345",
                tagURI: "urn:epc:tag:cpi-96:3.0614141.98765.12345", hex: "3C74257BF400C0E680003039"),
            Worked(
                gs1: "(8010)06141415PQ7/Z43(8011)12345", pureIdentity: "urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345",
                tagURI: "urn:epc:tag:cpi-var:3.0614141.5PQ7%2FZ43.12345", hex: "3D74257BF75411DEF6B4CC00000003039"),
            Worked(
                gs1: "(255)401234567890104711", pureIdentity: "urn:epc:id:sgcn:4012345.67890.04711",
                tagURI: "urn:epc:tag:sgcn-96:3.4012345.67890.04711", hex: "3F74F4E4E612640000019907"),
            Worked(
                gs1: nil, pureIdentity: "urn:epc:id:gid:31415.271828.1414",
                tagURI: "urn:epc:tag:gid-96:31415.271828.1414", hex: "350007AB70425D4000000586"),
        ])
    func worked(_ example: Worked) throws {
        // Tag memory → tag URI and pure identity
        let decoded = try EPC.decode(hex: example.hex)
        let scheme = try #require(decoded.scheme)
        #expect(try decoded.tagURI(scheme: scheme, filter: decoded.filter ?? 3) == example.tagURI)
        #expect(decoded.pureIdentityURI == example.pureIdentity)
        #expect(try EPC.decode(hex: example.hex.lowercased()) == decoded)
        // Tag URI → tag memory (written to whole 16-bit words: the standard's bits, then zeros)
        let encoded = try EPC.parse(uri: example.tagURI).encode(scheme: scheme, filter: 3)
        #expect(encoded.hasPrefix(example.hex), "\(encoded)")
        #expect(encoded.dropFirst(example.hex.count).allSatisfy { $0 == "0" })
        // GS1 element string ↔ EPC
        if let gs1 = example.gs1 {
            let data = try GS1.parse(gs1)
            #expect(try EPC.from(data, companyPrefixLength: 7).pureIdentityURI == example.pureIdentity)
            #expect(decoded.gs1 == data)
        } else {
            #expect(decoded.gs1 == nil)
        }
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
        #expect(leadingZero.defaultScheme?.name == "sgtin-198")
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

    @Test(
        "bad tag data and URIs are refused",
        arguments: [
            BadInput(
                input: String(repeating: "3", count: 129), message: "EPC: tag data must be 1 to 128 hex digits, got 129"
            ),
            BadInput(
                input: "3074257BF7194E4000001AXY", message: "EPC: character 'X' at position 23 is not a hex digit"),
            BadInput(
                input: "E2801160600002054CC2096F", message: "EPC: header 0xE2 is not an EPC scheme Unitrace reads"),
            BadInput(input: "3074257BF7194E40", message: "EPC: sgtin-96 needs 96 bits, the tag data has 64"),
            BadInput(input: "307C257BF7194E4000001A85", message: "EPC: partition value 7 is not defined for sgtin-96"),
            BadInput(
                input: "urn:epc:id:sgtin:0614141.81234.6789",
                message: "EPC: company prefix and reference must have 13 digits together, got 12"),
            BadInput(
                input: "urn:epc:id:sgtin:0614141.812345",
                message: "EPC: a sgtin URI has 3 fields separated by '.', got 2"),
            BadInput(
                input: "urn:epc:tag:sgtin-96:9.0614141.812345.6789",
                message: "EPC: the filter value must be a number from 0 to 7"),
            BadInput(
                input: "urn:epc:tag:sgtin-96:3.0614141.812345.06789",
                message: "EPC: the serial '06789' has leading zeros, which sgtin-96 cannot keep"),
            BadInput(input: "urn:epc:id:foo:1.2.3", message: "EPC: 'foo' is not an EPC scheme Unitrace reads"),
        ])
    func refused(_ bad: BadInput) throws {
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
