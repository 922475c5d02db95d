import Foundation
import Testing

@testable import UnitraceCore

private func parse(_ text: String) throws -> JSONValue {
    var stream = JSONStream(bytes: Array(text.utf8))
    let value = try stream.value()
    try stream.end()
    return value
}

/// A minimal valid EPCIS document around `event` (JSON of one event object).
private func document(
    _ event: String,
    context: String =
        #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ext1":"http://example.com/ext1/"}]"#
) -> String {
    #"{"@context":\#(context),"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[\#(event)]}}"#
}

private let goodEvent =
    #"{"type":"ObjectEvent","eventTime":"2026-01-01T10:00:00.000+01:00","eventTimeZoneOffset":"+01:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"bizStep":"shipping","ext1:note":{"ext1:deep":[1,"two"]}}"#

private func read(_ text: String) async throws -> [CapturedEvent] {
    var events: [CapturedEvent] = []
    var stream = JSONStream(bytes: Array(text.utf8))
    try await EPCISJSONReader.read(&stream, reopen: { JSONStream(bytes: Array(text.utf8)) }) { events.append($0) }
    return events
}

@Suite("JSON values and the streaming reader")
struct JSONStreamTests {
    @Test("numbers get one spelling, whatever way they were written")
    func numbers() throws {
        #expect(try parse("200") == .number("200"))
        #expect(try parse("2.0E2") == .number("200"))
        #expect(try parse("-0.5") == .number("-0.5"))
        #expect(try parse("26.20") == .number("26.2"))
        #expect(try parse("1e300") == .number("1e+300"))
    }

    @Test("a value's canonical bytes sort keys and read back to the same value")
    func canonical() throws {
        let value = try parse(#"{"b":[true,null,{"z":1,"a":"x\"y"}],"a":"\u00e9\ud83d\ude00"}"#)
        let bytes = JSONValue.canonicalBytes(value)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":"é😀","b":[true,null,{"a":"x\"y","z":1}]}"#)
        #expect(try parse(String(decoding: bytes, as: UTF8.self)) == value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        #expect(decoded == value)
    }

    @Test(
        "malformed JSON is refused with its line",
        arguments: [
            ("{\"a\":1,}", 1, "key must be a string"), ("{\n\"a\":1,\n\"a\":2}", 3, "appears twice"),
            ("[1 2]", 1, "',' or ']'"), ("\"\u{01}\"", 1, "control character"), ("01", 1, "not a number"),
            ("[1,\n\n2", 3, "ends inside an array"), ("\"\\ud800\"", 1, "surrogate"), ("{\"a\":1} x", 1, "follows"),
            ("nul", 1, "unknown word"),
        ])
    func malformed(_ text: String, _ line: Int, _ words: String) {
        do {
            _ = try parse(text)
            Issue.record("'\(text)' was accepted")
        } catch let failure as JSONStream.Failure {
            #expect(failure.line == line, "\(failure)")
            #expect(failure.message.contains(words), "\(failure)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("values nest at most 64 deep")
    func depth() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONStream.Failure.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(fine) }
    }

    @Test("a document is read from chunks of any size")
    func chunks() throws {
        let text = Array(document(goodEvent).utf8)
        for size in [1, 2, 7, 4096] {
            var offset = 0
            var stream = JSONStream(source: {
                guard offset < text.count else { return nil }
                defer { offset += size }
                return Array(text[offset..<min(offset + size, text.count)])
            })
            #expect(try stream.value() == (try parse(String(decoding: text, as: UTF8.self))))
        }
    }
}

@Suite("EPCIS documents in")
struct EPCISReaderTests {
    @Test("a valid event is kept whole, record time and context aside, with the namespaces it uses")
    func kept() async throws {
        let events = try await read(document(goodEvent))
        #expect(events.count == 1)
        let event = try #require(events.first).event
        #expect(event.type == .object)
        #expect(event.action == .observe)
        #expect(event.list("epcList") == ["urn:epc:id:sgtin:0614141.107346.2017"])
        #expect(event.fields["ext1:note"] == .object(["ext1:deep": .array([.number("1"), .string("two")])]))
        #expect(event.namespaces == ["ext1": "http://example.com/ext1/"])
        #expect(
            events.first?.eventTime.millisecondsSince1970
                == (try Timestamp(iso8601: "2026-01-01T09:00:00Z")).millisecondsSince1970)
    }

    @Test("the context may follow the events")
    func contextLast() async throws {
        let text =
            #"{"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[\#(goodEvent)]},"@context":[{"ext1":"http://example.com/ext1/"}]}"#
        let events = try await read(text)
        #expect(events.first?.event.namespaces == ["ext1": "http://example.com/ext1/"])
    }

    @Test(
        "a document that breaks the standard is refused at the path of its first fault",
        arguments: [
            (#""action":"OBSERVE""#, #""action":"JUMP""#, "$.epcisBody.eventList[0].action"),
            (#""type":"ObjectEvent""#, #""type":"ThingEvent""#, "$.epcisBody.eventList[0].type"),
            (#""bizStep":"shipping""#, #""bizStep":"shipped""#, "$.epcisBody.eventList[0].bizStep"),
            (
                #""bizStep":"shipping""#, #""bizStep":"urn:epcglobal:cbv:bizstep:shipping""#,
                "$.epcisBody.eventList[0].bizStep"
            ),
            (
                #""eventTimeZoneOffset":"+01:00""#, #""eventTimeZoneOffset":"+1""#,
                "$.epcisBody.eventList[0].eventTimeZoneOffset"
            ),
            (
                #""eventTime":"2026-01-01T10:00:00.000+01:00""#, #""eventTime":"2026-13-01T10:00:00Z""#,
                "$.epcisBody.eventList[0].eventTime"
            ),
            (#""ext1:note""#, #""note""#, "$.epcisBody.eventList[0].note"),
            (
                #""epcList":["urn:epc:id:sgtin:0614141.107346.2017"]"#, #""epcList":["not a uri"]"#,
                "$.epcisBody.eventList[0].epcList[0]"
            ),
            (
                #""epcList":["urn:epc:id:sgtin:0614141.107346.2017"]"#, #""epcList":["urn:a:b","urn:a:b"]"#,
                "$.epcisBody.eventList[0].epcList[1]"
            ),
            (
                #""epcList""#, #""quantityList":[{"epcClass":"urn:epc:class:lgtin:1.2.3","quantity":"5"}],"x:y""#,
                "$.epcisBody.eventList[0].quantityList[0].quantity"
            ),
            (
                #""bizStep":"shipping""#, #""bizStep":"shipping","readPoint":{"name":"dock"}"#,
                "$.epcisBody.eventList[0].readPoint"
            ),
            (
                #""bizStep":"shipping""#, #""bizStep":"shipping","sourceList":[{"source":"urn:epc:id:sgln:1.2.3"}]"#,
                "$.epcisBody.eventList[0].sourceList[0].type"
            ),
            (
                #""bizStep":"shipping""#, #""bizStep":"shipping","errorDeclaration":{"reason":"did_not_occur"}"#,
                "$.epcisBody.eventList[0].errorDeclaration.declarationTime"
            ),
            (#""schemaVersion":"2.0","#, "", "$.schemaVersion"),
            (#""type":"EPCISDocument""#, #""type":"EPCISQuery""#, "$.type"),
        ])
    func refused(_ original: String, _ replacement: String, _ path: String) async throws {
        let text = document(goodEvent).replacingOccurrences(of: original, with: replacement)
        #expect(text != document(goodEvent))
        do {
            _ = try await read(text)
            Issue.record("accepted: \(text)")
        } catch let fault as EPCISFault {
            #expect(fault.path == path, "\(fault)")
        }
    }

    @Test("a syntax fault names its line")
    func syntax() async throws {
        let text = document(goodEvent).replacingOccurrences(
            of: #""bizStep":"shipping""#, with: "\n\n\"bizStep\":shipping")
        do {
            _ = try await read(text)
            Issue.record("accepted")
        } catch let fault as EPCISFault {
            #expect(fault.path == "line 3", "\(fault)")
        }
    }

    @Test("every GS1 example document reads without a fault")
    func examples() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gs1/json")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count == 18)
        var total = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            total += try await read(text).count
        }
        #expect(total == 23)
    }
}
