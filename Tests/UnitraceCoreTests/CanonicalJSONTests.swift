import Foundation
import Testing
import UnitraceCore

@Suite("Canonical encoding")
struct CanonicalJSONTests {
    /// Characters that JSON escapes, that sort oddly, or that take several bytes.
    static let alphabet: [Character] = Array(
        "aZ09_-./:\"\\\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f} é€😀\u{2028}e\u{301}ÅŁ\u{FF21}\u{E000}")

    static func text(_ random: inout SeededRandom, empty: Bool = true) -> String {
        String(
            (0..<Int.random(in: (empty ? 0 : 1)...12, using: &random)).map { _ in
                alphabet.randomElement(using: &random)!
            })
    }

    static func maybe<T>(_ random: inout SeededRandom, _ make: (inout SeededRandom) -> T) -> T? {
        Bool.random(using: &random) ? make(&random) : nil
    }

    static func attributes(_ random: inout SeededRandom) -> [String: String] {
        var values: [String: String] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &random) { values[text(&random)] = text(&random) }
        return values
    }

    static func aliases(_ random: inout SeededRandom) -> [Alias] {
        (0..<Int.random(in: 0...3, using: &random)).map { _ in
            Alias(kind: Alias.Kind.allCases.randomElement(using: &random)!, value: text(&random))
        }
    }

    static func event(_ random: inout SeededRandom) -> Event {
        let time = { (random: inout SeededRandom) in
            Timestamp(
                millisecondsSince1970: Int64.random(in: 0...4_000_000_000_000, using: &random),
                offsetSeconds: Int.random(in: -12...14, using: &random) * 3600)
        }
        var event = Event(
            id: UUID(), kind: EventKind.allCases.randomElement(using: &random)!, occurredAt: time(&random),
            recordedAt: time(&random), location: maybe(&random) { text(&$0) },
            destination: maybe(&random) { text(&$0) },
            actor: text(&random), businessStep: text(&random), disposition: maybe(&random) { text(&$0) },
            reason: maybe(&random) { text(&$0) },
            documents: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                DocumentRef(type: text(&random), id: text(&random))
            },
            sale: maybe(&random) {
                Sale(
                    customer: maybe(&$0) { text(&$0) }, channel: text(&$0), price: maybe(&$0) { text(&$0) },
                    currency: maybe(&$0) { text(&$0) })
            },
            corrects: maybe(&random) { _ in UUID() },
            units: (0..<Int.random(in: 0...4, using: &random)).map { _ in
                EventLine(
                    unit: UnitKey(sku: text(&random, empty: false), serial: text(&random, empty: false)),
                    aliases: maybe(&random) { aliases(&$0) }, lot: maybe(&random) { text(&$0) },
                    attributes: maybe(&random) { attributes(&$0) },
                    restore: maybe(&random) {
                        UnitSnapshot(
                            status: UnitStatus.allCases.randomElement(using: &$0)!, location: text(&$0),
                            destination: maybe(&$0) { text(&$0) }, owner: maybe(&$0) { text(&$0) },
                            lot: maybe(&$0) { text(&$0) }, aliases: aliases(&$0), attributes: attributes(&$0),
                            expiry: maybe(&$0) { text(&$0) }, container: maybe(&$0) { text(&$0) })
                    }, expiry: maybe(&random) { text(&$0) })
            })
        event.request = maybe(&random) { RequestRef(id: text(&$0), fingerprint: text(&$0)) }
        event.container = maybe(&random) { text(&$0) }
        event.containers = maybe(&random) { random in
            (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random) }
        }
        return event
    }

    @Test("the fast writer gives JSONEncoder's bytes for 5,000 random events, every field and odd character")
    func sameBytes() {
        var random = SeededRandom(state: 20_261_127)
        for _ in 0..<5_000 {
            let event = Self.event(&random)
            let fast = LedgerHash.canonicalEncoding(of: event)
            let reference = LedgerHash.referenceEncoding(of: event)
            #expect(
                fast == reference,
                "\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
            if fast != reference { return }
        }
    }

    @Test("a line's detail is its JSON without the unit, keys sorted; nothing to say is nil")
    func lineDetail() throws {
        var random = SeededRandom(state: 7)
        struct Detail: Encodable {
            var aliases: [Alias]?
            var attributes: [String: String]?
            var expiry: String?
            var lot: String?
            var restore: UnitSnapshot?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var compared = 0
        for _ in 0..<2_000 {
            for line in Self.event(&random).units {
                guard let detail = line.detailJSON else {
                    #expect(line.aliases == nil && line.lot == nil && line.attributes == nil && line.restore == nil)
                    continue
                }
                let reference = Detail(
                    aliases: line.aliases, attributes: line.attributes, expiry: line.expiry, lot: line.lot,
                    restore: line.restore)
                #expect(detail == String(decoding: try encoder.encode(reference), as: UTF8.self))
                compared += 1
            }
        }
        #expect(compared > 1_000)
    }
}
