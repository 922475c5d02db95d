import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Stored forms read without Foundation's decoder")
struct QuickFormsTests {
    private static func decoded<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    @Test("every header and line of the demo ledger reads as JSONDecoder reads it, or is left to it")
    func agreesWithTheDecoder() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        _ = try await inventory.loadDemo()
        let recorded = try await inventory.store.events(after: 0, limit: 1_000, matching: .all)
        var quick = 0
        var lines = 0
        for entry in recorded {
            var header = entry.event
            header.units = []
            let text = String(decoding: LedgerHash.canonicalEncoding(of: header), as: UTF8.self)
            let expected = try Self.decoded(Event.self, text)
            if let read = QuickForms.header(text) {
                #expect(read == expected)
                quick += 1
            } else {
                // Left to the decoder only for what the quick reader does not know.
                #expect(
                    header.sale != nil || header.request != nil || header.epcis != nil || header.quantities != nil
                        || header.lots != nil || header.parent != nil)
            }
            for line in entry.event.units {
                guard let detail = line.detailJSON else { continue }
                let read = QuickForms.lineDetail(detail)
                if line.restore == nil {
                    let value = try #require(read)
                    #expect(value.lot == line.lot && value.expiry == line.expiry)
                    #expect(value.attributes == line.attributes && value.aliases == line.aliases)
                    lines += 1
                } else {
                    #expect(read == nil)
                }
            }
        }
        #expect(quick > recorded.count / 2)
        #expect(lines > 10)
    }

    @Test("every event line of the demo's export reads as the import's decoder reads it, or is left to it")
    func exportLines() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        _ = try await inventory.loadDemo()
        var lines: [String] = []
        _ = try await inventory.export(.all) { lines.append($0) }
        var quick = 0
        var events = 0
        for line in lines {
            let record = try Self.decoded(LedgerRecord.self, line)
            guard case .event(let event, let sequence, let hash) = record else {
                #expect(QuickForms.eventRecord(line) == nil)
                continue
            }
            events += 1
            guard let read = QuickForms.eventRecord(line) else {
                #expect(
                    event.sale != nil || event.request != nil || event.units.contains { $0.restore != nil }
                        || event.quantities != nil || event.lots != nil || event.parent != nil)
                continue
            }
            #expect(read.event == event)
            #expect(read.sequence == sequence && read.hash == hash)
            quick += 1
        }
        #expect(quick > events / 2)
        let altered = try #require(lines.last { $0.contains(#""hash":""#) })
        let badHash = altered.replacingOccurrences(of: #""hash":""#, with: #""hash":"zz"#)
        #expect(QuickForms.eventRecord(badHash) == nil)
    }

    @Test("anything outside the shapes it knows is left to the decoder, which refuses what is broken")
    func outsideItsShapes() throws {
        let header =
            #"{"actor":"ada","businessStep":"storing","documents":[],"id":"00000000-0000-4000-8000-000000000001","kind":"move","occurredAt":"2026-11-02T10:15:00.000+01:00","recordedAt":"2026-11-02T10:15:00.000+01:00","units":[]}"#
        let event = try #require(QuickForms.header(header))
        #expect(event == (try Self.decoded(Event.self, header)))
        #expect(event.kind == .move && event.location == nil && event.form == nil)

        let variants = [
            header.replacingOccurrences(of: #""actor":"ada","#, with: ""),  // a required member missing
            header.replacingOccurrences(of: #""kind":"move""#, with: #""kind":"teleport""#),
            header.replacingOccurrences(of: #""documents":[]"#, with: #""documents":[{"id":"PO-1"}]"#),
            header.replacingOccurrences(of: #""units":[]"#, with: #""units":[],"sale":{"channel":"online"}"#),
            header.replacingOccurrences(of: #""actor":"ada""#, with: #""actor":7"#),
            header.replacingOccurrences(of: #""actor":"ada""#, with: #""actor":"ada","actor":"eve""#),
            String(header.dropLast()),
        ]
        for text in variants { #expect(QuickForms.header(text) == nil, "\(text)") }
        // The sale is the decoder's to read; the broken ones it refuses.
        #expect((try? Self.decoded(Event.self, variants[3]))?.sale?.channel == "online")
        for index in [0, 1, 2, 4, 6] { #expect((try? Self.decoded(Event.self, variants[index])) == nil) }

        #expect(QuickForms.stringMap(#"{"colour":"red","size":"L"}"#) == ["colour": "red", "size": "L"])
        #expect(QuickForms.stringMap(#"{"colour":1}"#) == nil)
        #expect(QuickForms.stringMap(#"{"a":"\u00e9\n"}"#) == ["a": "é\n"])
        #expect(
            QuickForms.aliases(#"[{"kind":"imei","value":"490154203237518"}]"#) == [
                Alias(kind: .imei, value: "490154203237518")
            ])
        #expect(QuickForms.aliases(#"[{"kind":"phaser","value":"1"}]"#) == nil)
        #expect(QuickForms.lineDetail(#"{"lot":"L1","restore":{"status":"in_stock"}}"#) == nil)
    }
}
