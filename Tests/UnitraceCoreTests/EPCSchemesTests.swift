import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@Suite("EPC schemes of Tag Data Standard 2.0")
struct EPCSchemesTests {
    struct Scheme: Sendable, CustomTestStringConvertible {
        let gs1: String?
        let pureIdentity: String
        var tagURI: String? = nil
        var hex: String? = nil
        var testDescription: String { pureIdentity }
    }

    /// The hex values were computed from the Tag Data Translation field layouts (header, filter, partition,
    /// fields in order, padded to 16-bit words), independently of this code.
    @Test(
        "ITIP, GSIN, GINC, PGLN, UPUI, IMOVN, BIC, USDOD and ADI translate every way that applies",
        arguments: [
            Scheme(
                gs1: "(8006)040123451234560102(21)987", pureIdentity: "urn:epc:id:itip:4012345.012345.01.02.987",
                tagURI: "urn:epc:tag:itip-110:1.4012345.012345.01.02.987", hex: "4034F4E4E40C0E40820000000F6C"),
            Scheme(
                gs1: "(8006)040123451234560102(21)A/1", pureIdentity: "urn:epc:id:itip:4012345.012345.01.02.A%2F1",
                tagURI: "urn:epc:tag:itip-212:1.4012345.012345.01.02.A%2F1"),
            Scheme(gs1: "(402)40123452223334442", pureIdentity: "urn:epc:id:gsin:4012345.222333444"),
            Scheme(gs1: "(401)4012345xyz/47", pureIdentity: "urn:epc:id:ginc:4012345.xyz%2F47"),
            Scheme(gs1: "(417)4012345000009", pureIdentity: "urn:epc:id:pgln:4012345.00000"),
            Scheme(gs1: "(01)04012345123456(235)51qIgY", pureIdentity: "urn:epc:id:upui:4012345.012345.51qIgY"),
            Scheme(gs1: nil, pureIdentity: "urn:epc:id:imovn:9074729"),
            Scheme(gs1: nil, pureIdentity: "urn:epc:id:bic:CSQU3054383"),
            Scheme(
                gs1: nil, pureIdentity: "urn:epc:id:usdod:CAGEY.5678", tagURI: "urn:epc:tag:usdod-96:3.CAGEY.5678",
                hex: "2F320434147455900000162E"),
            // The Tag Data Standard's ADI-var example (its 146 bits, then zeros to the word)
            Scheme(
                gs1: nil, pureIdentity: "urn:epc:id:adi:35962.PQ7VZ4.M37GXB92",
                tagURI: "urn:epc:tag:adi-var:3.35962.PQ7VZ4.M37GXB92", hex: "3B0E0CF5E76C9047759AD00373DC7602E7200000"),
            Scheme(
                gs1: nil, pureIdentity: "urn:epc:id:adi:2S1940..%2312345-A%2F1",
                tagURI: "urn:epc:tag:adi-var:63.2S1940..%2312345-A%2F1"),
        ])
    func translations(_ example: Scheme) throws {
        let epc = try EPC.parse(uri: example.pureIdentity)
        #expect(epc.pureIdentityURI == example.pureIdentity)
        if let gs1 = example.gs1 {
            let data = try GS1.parse(gs1)
            #expect(epc.gs1 == data)
            #expect(try EPC.from(data, companyPrefixLength: 7).pureIdentityURI == example.pureIdentity)
        } else {
            #expect(epc.gs1 == nil)
        }
        if let tagURI = example.tagURI {
            let tagged = try EPC.parse(uri: tagURI)
            let scheme = try #require(tagged.scheme)
            #expect(try tagged.tagURI(scheme: scheme, filter: tagged.filter ?? 0) == tagURI)
            let hex = try tagged.encode(scheme: scheme, filter: tagged.filter ?? 0)
            if let expected = example.hex { #expect(hex == expected) }
            let decoded = try EPC.decode(hex: hex)
            #expect(decoded.pureIdentityURI == example.pureIdentity)
            #expect(try decoded.tagURI(scheme: scheme, filter: decoded.filter ?? 0) == tagURI)
        } else {
            #expect(epc.defaultScheme == nil)
            #expect(throws: InputError.self) { try Identifiers.convert(example.pureIdentity, to: .epcHex) }
        }
    }

    @Test(
        "values that break a scheme's rules are refused",
        arguments: [
            "urn:epc:id:itip:4012345.012345.03.02.987", "urn:epc:id:itip:4012345.012345.1.2.987",
            "urn:epc:id:gsin:4012345.22233344", "urn:epc:id:pgln:4012345.0000", "urn:epc:id:imovn:9074728",
            "urn:epc:id:imovn:907472", "urn:epc:id:bic:CSQU3054384", "urn:epc:id:bic:CSQX3054383",
            "urn:epc:id:usdod:CAGEI.5678", "urn:epc:id:usdod:CAGEY.05678", "urn:epc:tag:usdod-96:16.CAGEY.5678",
            "urn:epc:id:cpi:0614141.98765.012345", "urn:epc:id:upui:4012345.012345.",
            "urn:epc:id:adi:I5962.PQ7.M37", "urn:epc:id:adi:35962.PQ7.", "urn:epc:id:adi:35962.pq7.M37",
            "urn:epc:tag:adi-var:64.35962.PQ7.M37", "urn:epc:id:adi:35962.PQ7.M%2337",
        ])
    func refused(_ uri: String) {
        #expect(throws: InputError.self, "\(uri)") { try EPC.parse(uri: uri) }
    }

    @Test("an LGTIN class goes every way it can: GS1 data, class URI, and a clear no for tag forms")
    func lgtin() throws {
        let data = try GS1.parse("(01)80614141123458(10)LOT/7")
        let epc = try EPC.from(data, companyPrefixLength: 7)
        #expect(epc.pureIdentityURI == "urn:epc:class:lgtin:0614141.812345.LOT%2F7")
        #expect(try EPC.parse(uri: epc.pureIdentityURI).gs1 == data)
        #expect(
            try Identifiers.convert("(01)80614141123458(10)LOT/7", to: .epcURI, companyPrefixLength: 7)
                == epc.pureIdentityURI)
        let error = try #require(throws: InputError.self) {
            try Identifiers.convert(epc.pureIdentityURI, to: .epcTagURI)
        }
        #expect(error.message == "the Tag Data Standard gives LGTIN no binary encoding, only its URI")
    }

    @Test("a CPI serial has no leading zeros")
    func cpiSerial() throws {
        #expect(try EPC.parse(uri: "urn:epc:id:cpi:0614141.98765.0").serial == "0")
        let error = try #require(throws: InputError.self) { try EPC.parse(uri: "urn:epc:id:cpi:0614141.98765.012") }
        #expect(error.message.contains("without leading zeros"))
    }
}
