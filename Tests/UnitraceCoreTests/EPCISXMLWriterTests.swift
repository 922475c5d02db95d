import Foundation
import Testing

@testable import UnitraceCore

private func xml(_ events: [EPCISEvent]) -> [UInt8] {
    var writer = EPCISXMLWriter(creationDate: Timestamp(millisecondsSince1970: 1_800_000_000_000))
    var bytes = writer.begin()
    for event in events { bytes += writer.append(event.fields, namespaces: event.namespaces) }
    return bytes + writer.finish()
}

/// Every GS1 example document, JSON-LD and XML.
let gs1Examples: [String] = ["json", "xml"].flatMap { folder in
    ((try? FileManager.default.contentsOfDirectory(atPath: gs1Fixtures.appendingPathComponent(folder).path)) ?? [])
        .sorted().map { "\(folder)/\($0)" }
}

@Suite("EPCIS XML documents out")
struct EPCISXMLWriterTests {
    @Test("every GS1 example written as XML reads back as the same events", arguments: gs1Examples)
    func roundTrip(_ name: String) async throws {
        let original = try await epcisEvents(of: Array(try Data(contentsOf: gs1Fixtures.appendingPathComponent(name))))
        #expect(!original.isEmpty)
        let written = xml(original)
        let again = try await epcisEvents(of: written)
        #expect(again.count == original.count)
        for (before, after) in zip(original, again) {
            #expect(after.fields == before.fields, "\(name): \(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test("CBV words become URNs, extensions elements of their declared namespace, text is escaped")
    func shape() throws {
        let event = EPCISEvent(
            fields: [
                "type": .string("ObjectEvent"), "eventTime": .string("2026-01-01T10:00:00.000+01:00"),
                "eventTimeZoneOffset": .string("+01:00"), "action": .string("OBSERVE"),
                "bizStep": .string("shipping"), "epcList": .array([.string("urn:epc:id:sgtin:0614141.107346.2017")]),
                "ext:note": .string("a < b & c"),
                "bizTransactionList": .array([.object(["type": .string("po"), "bizTransaction": .string("urn:x:1")])]),
            ], namespaces: ["ext": "http://example.com/ext/"])
        let text = String(decoding: xml([event]), as: UTF8.self)
        #expect(text.contains(#"<ObjectEvent xmlns:ext="http://example.com/ext/">"#), "\(text)")
        #expect(text.contains("<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"))
        #expect(text.contains(#"<bizTransaction type="urn:epcglobal:cbv:btt:po">urn:x:1</bizTransaction>"#))
        #expect(text.contains("<ext:note>a &lt; b &amp; c</ext:note>"))
        // The Schema's order: epcList, action, bizStep, …, bizTransactionList, then extensions.
        let positions = ["<epcList>", "<action>", "<bizStep>", "<bizTransactionList>", "<ext:note>"].map {
            text.range(of: $0)?.lowerBound
        }
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(positions.allSatisfy { $0 != nil })
    }
}
