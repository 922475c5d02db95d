import Foundation
import Testing
import UnitraceCore

/// A small, seeded random source (SplitMix64), so every failure can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let cset82 = Array("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")

private func digits(_ count: Int, _ random: inout SeededRandom) -> String {
    String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
}

private func text(_ range: ClosedRange<Int>, _ random: inout SeededRandom) -> String {
    String((0..<Int.random(in: range, using: &random)).map { _ in cset82.randomElement(using: &random)! })
}

/// A random but valid product label: GTIN, expiry, lot and serial in random order.
private func validLabel(_ random: inout SeededRandom) -> GS1Data {
    let body = digits(13, &random)
    let gtin = body + String(GS1.checkDigit(of: body.map { Int(String($0))! }))
    let month = Int.random(in: 1...12, using: &random)
    let expiry = String(
        format: "%02d%02d%02d", Int.random(in: 0...99, using: &random), month, Int.random(in: 0...28, using: &random))
    var elements = [
        GS1Element(ai: "17", value: expiry), GS1Element(ai: "10", value: text(1...20, &random)),
        GS1Element(ai: "21", value: text(1...20, &random)),
    ]
    elements.shuffle(using: &random)
    return GS1Data(elements: [GS1Element(ai: "01", value: gtin)] + elements)
}

/// Mutations a real scanner produces: truncation, doubling, a byte flipped, inserted or dropped.
private func mutate(_ input: String, _ random: inout SeededRandom) -> String {
    var bytes = Array(input.utf8)
    switch Int.random(in: 0...5, using: &random) {
    case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
    case 1: bytes += bytes
    case 2 where !bytes.isEmpty:
        bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
    case 3: bytes.insert(UInt8.random(in: 0...127, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
    case 4 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
    default: bytes = (0..<Int.random(in: 0...60, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("Parsers under random input")
struct ParserFuzzTests {
    @Test("valid labels round-trip through every GS1 form")
    func roundTrips() throws {
        var random = SeededRandom(state: 2026_11_27)
        for _ in 0..<3_000 {
            let label = validLabel(&random)
            let checked = try GS1.validate(label.elements)
            #expect(checked == label)
            #expect(try GS1.parse(label.bracketed) == label)
            #expect(try GS1.parse("]d2" + label.elementString) == label)
            let link = try DigitalLink.parse(try DigitalLink.make(label))
            #expect(Set(link.elements) == Set(label.elements))
        }
    }

    @Test("random and mutated scans never crash any parser, and fail only with an input error")
    func neverCrash() throws {
        var random = SeededRandom(state: 7)
        var seeds = [
            "]d201095060001343521727123110ABC123\u{1D}21XYZ", "(01)09506000134352(17)271231(10)ABC(21)1",
            "https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=271231", "490154203237518", "1M8GDM9AXKP042788",
            "(8013)1987654Ad4X4bL5ttr2310c2K", "(415)0614141000012(8020)X(8007)GB82WEST12345698765432",
            "(01)09506000134352(8008)2612311030", "(00)106141411234567897(4309)02790858483015297971",
            "urn:epc:id:itip:4012345.012345.01.02.987", "urn:epc:tag:itip-110:1.4012345.012345.01.02.987",
            "4034F4E4E40C0E40820000000F6C", "urn:epc:id:gsin:4012345.222333444", "urn:epc:id:ginc:4012345.xyz%2F47",
            "urn:epc:id:pgln:4012345.00000", "urn:epc:id:upui:4012345.012345.51qIgY", "urn:epc:id:imovn:9074729",
            "urn:epc:id:bic:CSQU3054383", "urn:epc:tag:usdod-96:3.CAGEY.5678", "2F320434147455900000162E",
            "(8006)040123451234560102(21)987", "(01)09506000134352(422)250(3911)978100",
            "0109506000134352\u{1D}17271231\u{1D}\u{1D}10ABC", "]E04006381333931", "]E496385074",
            "HTTPS://[2001:db8::1]/01/09506000134352/21/X?17=271231",
            "(8110)0123456123456151101231010120456932712314270101500000426106141419001 0".replacingOccurrences(
                of: " ", with: ""),
            "(8112)001234561234560123456", "(01)09506000134352(21)X(8030)QUJDREVGR0g",
            "urn:epc:tag:adi-var:3.35962.PQ7VZ4.M37GXB92", "3B0E0CF5E76C9047759AD00373DC7602E7200000",
        ]
        for _ in 0..<200 { seeds.append(validLabel(&random).bracketed) }
        for round in 0..<20_000 {
            let input = mutate(seeds[round % seeds.count], &random)
            for kind in IdentifierKind.allCases {
                do {
                    _ = try Identifiers.parse(input, as: kind)
                } catch {
                    #expect(!error.message.isEmpty)
                }
            }
            _ = try? GS1.parse(input, syntaxOnly: true)
            _ = try? Timestamp(iso8601: input)
        }
    }
}
