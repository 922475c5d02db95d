import Foundation
import Testing

@testable import UnitraceCore

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/gs1")

private func read(_ text: String) async throws -> [CapturedEvent] {
    var events: [CapturedEvent] = []
    let bytes = Array(text.utf8)
    try await EPCISDocument.read(open: { EPCISDocument.chunks(bytes) }) { events.append($0) }
    return events
}

private func xml(_ event: String, prolog: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>\(prolog)
    <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ext="http://example.com/ext/"
        schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z">
      <EPCISBody><EventList>\(event)</EventList></EPCISBody>
    </epcis:EPCISDocument>
    """
}

private let event = """
    <ObjectEvent>
      <eventTime>2026-01-01T10:00:00.000+01:00</eventTime>
      <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
      <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
      <action>OBSERVE</action>
      <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
      <ext:note><ext:line>a</ext:line><ext:line>b</ext:line></ext:note>
    </ObjectEvent>
    """

@Suite("EPCIS XML documents in")
struct EPCISXMLTests {
    @Test("an XML event reads as its JSON form: CBV URNs as words, lists as arrays, extensions as objects")
    func jsonForm() async throws {
        let events = try await read(xml(event))
        let fields = try #require(events.first).event.fields
        #expect(fields["bizStep"] == .string("shipping"))
        #expect(fields["epcList"] == .array([.string("urn:epc:id:sgtin:0614141.107346.2017")]))
        #expect(fields["ext:note"] == .object(["ext:line": .array([.string("a"), .string("b")])]))
        #expect(events.first?.event.namespaces["ext"] == "http://example.com/ext/")
    }

    @Test("GS1's all-fields example: numbers, booleans, places, transactions, dispositions, sensor data")
    func allFields() async throws {
        let text = try String(
            contentsOf: fixtures.appendingPathComponent("xml/object_event_all_possible_fields.xml"), encoding: .utf8)
        let fields = try #require(try await read(text).first).event.fields
        #expect(fields["quantityList"]?.array?.first?["quantity"] == .number("200"))
        #expect(fields["bizTransactionList"]?.array?.compactMap { $0["type"]?.string } == ["po", "pedigree"])
        #expect(fields["sourceList"]?.array?.first?["type"] == .string("location"))
        #expect(fields["persistentDisposition"]?["set"] == .array([.string("completeness_verified")]))
        let report = fields["sensorElementList"]?.array?.first?["sensorReport"]?.array?.first
        #expect(report?["value"] == .number("26"))
        #expect(report?["booleanValue"] == .bool(true))
        #expect(report?["type"] == .string("Temperature"))
        #expect(fields["readPoint"]?["id"] == .string("urn:epc:id:sgln:0012345.11111.400"))
    }

    @Test(
        "a document type declaration with anything in it is refused before parsing",
        arguments: [
            #"<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>"#,
            #"<!DOCTYPE d SYSTEM "file:///etc/passwd">"#,
            #"<!DOCTYPE d PUBLIC "-//x//y" "http://example.com/x.dtd">"#,
        ])
    func doctype(_ prolog: String) async throws {
        do {
            _ = try await read(xml(event, prolog: "\n" + prolog))
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            #expect(fault.message.contains("refuses"), "\(fault)")
        }
    }

    @Test("a bare <!DOCTYPE name>, as in GS1's example, declares nothing and is allowed")
    func bareDoctype() async throws {
        #expect(try await read(xml(event, prolog: "\n<!DOCTYPE project>")).count == 1)
    }

    @Test("malformed XML and a broken event name their line")
    func faults() async throws {
        do {
            _ = try await read(xml(event.replacingOccurrences(of: "</action>", with: "</actions>")))
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            #expect(fault.path.hasPrefix("line "), "\(fault)")
        }
        do {
            _ = try await read(xml(event.replacingOccurrences(of: ">OBSERVE<", with: ">WATCH<")))
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            #expect(fault.path == "line 4 (event 1).action", "\(fault)")
        }
    }

    @Test("every GS1 XML example reads without a fault")
    func examples() async throws {
        var total = 0
        for name in [
            "AssociationEventExamples.xml", "Example_9.6.1-ObjectEvent-2020_06_18a.xml", "SensorDataExamples.xml",
            "object_event_all_possible_fields.xml",
        ] {
            total += try await read(
                try String(contentsOf: fixtures.appendingPathComponent("xml/\(name)"), encoding: .utf8)
            )
            .count
        }
        #expect(total == 25)
    }

    @Test("a document read in chunks of any size gives the events it gives whole", arguments: [1, 7, 100, 4096])
    func chunked(_ size: Int) async throws {
        for name in [
            "AssociationEventExamples.xml", "SensorDataExamples.xml", "object_event_all_possible_fields.xml",
        ] {
            let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("xml/\(name)")))
            var offset = 0
            var pieces: [CapturedEvent] = []
            try await EPCISXMLReader.read(
                chunks: {
                    guard offset < bytes.count else { return nil }
                    defer { offset += size }
                    return Array(bytes[offset..<min(offset + size, bytes.count)])
                }, each: { pieces.append($0) })
            let whole = try await read(String(decoding: bytes, as: UTF8.self))
            #expect(pieces == whole, "\(name) in chunks of \(size)")
        }
    }

    @Test(
        "comments, CDATA, processing instructions and quoted '>' do not cut an event; namespaces on any ancestor count")
    func tricky() async throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
                creationDate="2026-01-01T00:00:00Z">
              <!-- an <ObjectEvent> in a comment is no event -->
              <EPCISBody xmlns:ext="http://example.com/ext/">
                <?tool note="a > b"?>
                <EventList>
                  <ObjectEvent>
                    <eventTime>2026-01-01T10:00:00.000+01:00</eventTime>
                    <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
                    <epcList><epc>urn:epc:id:sgtin:0614141.107346.1</epc></epcList>
                    <action>OBSERVE</action>
                    <ext:note kind="x > y"><![CDATA[1 < 2 </ObjectEvent>]]></ext:note>
                  </ObjectEvent>
                  <ObjectEvent>
                    <eventTime>2026-01-01T11:00:00.000+01:00</eventTime>
                    <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
                    <action>WATCH</action>
                  </ObjectEvent>
                </EventList>
              </EPCISBody>
            </epcis:EPCISDocument>
            """
        var seen: [CapturedEvent] = []
        do {
            try await EPCISXMLReader.read(chunks: EPCISDocument.chunks(Array(text.utf8)), each: { seen.append($0) })
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            // The path names the line where the event starts, then the member.
            #expect(fault.path == "line 15 (event 2).action", "\(fault)")
        }
        let first = try #require(seen.first).event
        #expect(first.fields["ext:note"] == .string("1 < 2 </ObjectEvent>"))
        #expect(first.namespaces["ext"] == "http://example.com/ext/")
        #expect(seen.count == 1)
    }

    @Test("an element after the root element is refused")
    func secondRoot() async throws {
        do {
            _ = try await read(xml(event) + "\n<epcis:EPCISDocument/>")
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            #expect(fault.path == "line 13", "\(fault)")
            #expect(fault.message.contains("after the root element"), "\(fault)")
        }
    }

    @Test("a document cut short is refused, naming where it ends")
    func truncated() async throws {
        let whole = xml(event)
        for cut in [whole.count - 10, whole.count / 2] {
            do {
                _ = try await read(String(whole.prefix(cut)))
                Issue.record("accepted a document cut at \(cut)")
            } catch let fault as EPCISFault {
                #expect(fault.path.hasPrefix("line "), "\(fault)")
                #expect(fault.message.contains("ends") || fault.message.contains("never closed"), "\(fault)")
            }
        }
    }
}
