import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let gs1 = root.appendingPathComponent("Tests/Fixtures/gs1")

/// Runs `scripts/epcis-validate` on `files`: against GS1's JSON Schema (with formats), or its XML Schema.
private func validate(_ files: [String], xml: Bool = false) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let schema = xml ? "xsd/EPCglobal-epcis-2_0.xsd" : "EPCIS-JSON-Schema.json"
    process.arguments =
        [
            "python3", root.appendingPathComponent("scripts/epcis-validate").path,
            gs1.appendingPathComponent(schema).path,
        ] + files
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(out: String(decoding: data, as: UTF8.self), err: "", code: process.terminationStatus)
}

@Suite struct EPCISCommandTests {
    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("epcis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func theGS1ExamplesImportAndTheirExportValidatesAgainstGS1sSchema() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        #expect(try unitrace(["init", "--db", store], in: directory).code == 0)
        let examples = try FileManager.default.contentsOfDirectory(
            at: gs1.appendingPathComponent("json"), includingPropertiesForKeys: nil
        ).map(\.path).sorted()
        let imported = try unitrace(["epcis", "import", "--db", store] + examples, in: directory)
        #expect(imported.code == 0, "\(imported)")
        #expect(
            imported.out.contains(
                "object_event_all_possible_fields.jsonld: 1 events, 0 applied to tracked units, 1 recorded as observations"
            ))

        let exported = try unitrace(["epcis", "export", "--db", store, "-o", "out.jsonld"], in: directory)
        #expect(exported.code == 0, "\(exported)")
        #expect(exported.err.contains("exported 22 events"), "\(exported)")
        let valid = try validate([directory.appendingPathComponent("out.jsonld").path])
        #expect(valid.code == 0, "\(valid)")

        // The validator is alive: it refuses what the standard refuses.
        let bad = directory.appendingPathComponent("bad.jsonld")
        let text = try String(contentsOf: directory.appendingPathComponent("out.jsonld"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"action\":\"ADD\"", with: "\"action\":\"ADDED\"")
            .write(to: bad, atomically: true, encoding: .utf8)
        #expect(try validate([bad.path]).code == 1)
    }

    @Test func theGS1XMLExamplesImportAndTheirExportValidatesButForWhereGS1sBindingsDisagree() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        #expect(try unitrace(["init", "--db", store], in: directory).code == 0)
        let examples = try FileManager.default.contentsOfDirectory(
            at: gs1.appendingPathComponent("xml"), includingPropertiesForKeys: nil
        ).map(\.path).sorted()
        let imported = try unitrace(["epcis", "import", "--db", store] + examples, in: directory)
        #expect(imported.code == 0, "\(imported)")
        let exported = try unitrace(["epcis", "export", "--db", store, "-o", "xml.jsonld"], in: directory)
        #expect(exported.err.contains("exported 25 events"), "\(exported)")
        // GS1's XML schema lets a sensor report leave out its type, its JSON Schema does not: SensorDataExamples
        // has two such reports (case 9), and they are the only faults.
        let valid = try validate([directory.appendingPathComponent("xml.jsonld").path])
        let faults = valid.out.split(separator: "\n")
        #expect(faults.count == 2, "\(valid)")
        #expect(faults.allSatisfy { $0.contains("sensorReport[") && $0.contains("'type' is a required property") })
    }

    @Test func aStoresOwnLedgerExportsAsValidEPCIS() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Tests/Fixtures/store-v1.sqlite"), to: store)
        let exported = try unitrace(["epcis", "export", "--db", store.path, "-o", "own.jsonld"], in: directory)
        #expect(exported.code == 0, "\(exported)")
        #expect(exported.err.contains("exported 31 events"), "\(exported)")
        let valid = try validate([directory.appendingPathComponent("own.jsonld").path])
        #expect(valid.code == 0, "\(valid)")
    }

    /// The events of a JSON-LD export, one a line, without the record time each store gives its own.
    func eventLines(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst().dropLast().map {
            String($0).replacing(#/"recordTime":"[^"]*",/#, with: "")
        }
    }

    @Test func anXMLExportValidatesAgainstGS1sXMLSchemaAndHoldsTheSameEventsAsTheJSONExport() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        #expect(try unitrace(["init", "--db", store], in: directory).code == 0)
        let examples = try ["json", "xml"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(
                at: gs1.appendingPathComponent(folder), includingPropertiesForKeys: nil
            ).map(\.path).sorted()
        }
        #expect(try unitrace(["epcis", "import", "--db", store] + examples, in: directory).code == 0)
        let exported = try unitrace(["epcis", "export", "--db", store, "--xml", "-o", "out.xml"], in: directory)
        #expect(exported.err.contains("exported 47 events"), "\(exported)")
        let xml = directory.appendingPathComponent("out.xml")
        let valid = try validate([xml.path], xml: true)
        #expect(valid.code == 0, "\(valid)")

        // As data, the XML export is the JSON export: read into a new store, it exports the same events.
        #expect(try unitrace(["epcis", "export", "--db", store, "-o", "a.jsonld"], in: directory).code == 0)
        let copy = directory.appendingPathComponent("t.sqlite").path
        #expect(try unitrace(["init", "--db", copy], in: directory).code == 0)
        #expect(try unitrace(["epcis", "import", "--db", copy, xml.path], in: directory).code == 0)
        #expect(try unitrace(["epcis", "export", "--db", copy, "-o", "b.jsonld"], in: directory).code == 0)
        let before = try eventLines(directory.appendingPathComponent("a.jsonld"))
        #expect(before.count == 47)
        #expect(try eventLines(directory.appendingPathComponent("b.jsonld")) == before)

        // The validator is alive: it refuses what the schema refuses.
        let bad = directory.appendingPathComponent("bad.xml")
        try String(contentsOf: xml, encoding: .utf8).replacingOccurrences(
            of: "<action>ADD</action>", with: "<action>ADDED</action>"
        )
        .write(to: bad, atomically: true, encoding: .utf8)
        #expect(try validate([bad.path], xml: true).code == 1)
    }

    @Test func epcisHashPrintsTheReferenceHashOfEachEventInDocumentOrderAndStoresNothing() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = "xml/AssociationEventExamples.xml"
        let reference = try String(contentsOf: gs1.appendingPathComponent("event-hashes.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix(file + "\t") }.map { $0.split(separator: "\t")[2] }
        #expect(reference.count == 8)
        let run = try unitrace(["epcis", "hash", gs1.appendingPathComponent(file).path], in: directory)
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.split(separator: "\n") == reference)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing is stored")

        let broken = directory.appendingPathComponent("broken.jsonld")
        try Data(
            #"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
             "schemaVersion": "2.0", "creationDate": "2026-12-03T10:00:00Z", "epcisBody": {"eventList": [
             {"type": "ObjectEvent", "eventTime": "2026-11-30T07:55:00Z", "eventTimeZoneOffset": "+00:00",
              "action": "WATCH"}]}}
            """#.utf8
        ).write(to: broken)
        let refused = try unitrace(["epcis", "hash", broken.path], in: directory)
        #expect(refused.code != 0)
        #expect(refused.err.contains("$.epcisBody.eventList[0].action"), "\(refused.err)")
    }

    @Test func packsAndContainerMovesExportAsValidAggregationAndObjectEvents() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        #expect(try unitrace(["demo", "--db", store], in: directory).code == 0)
        for arguments in [
            ["pack", "006141410000000012", "BP-75/BP-000007", "BP-75/BP-000008"],
            ["pack", "006141410000000036", "--container", "006141410000000012"],
            ["move", "(00)006141410000000036", "--to", "LYON-YARD"],
            ["unpack", "006141410000000036", "--all"],
            [
                "inspect", "M-26-000005", "--procedure", "EOL-NOISE", "--fail", "--measure", "noise=48dB@..45",
                "--defect", "bearing noise", "--certificate", "TR-881", "--quarantine",
            ],
            ["inspect", "--lot", "EVM-200/MOT-2026-W40-B", "--procedure", "AQL-2.5", "--pass"],
            ["product", "add", "WIRE", "--name", "Copper wire", "--tracking", "lot", "--uom", "KGM"],
            ["stock", "receive", "--product", "WIRE", "--lot", "W-1", "--quantity", "100", "--at", "LYON-MOTOR-01"],
            [
                "produce", "--product", "EVM-200", "--at", "LYON-MOTOR-01", "--lot", "MOT-X", "--run", "RUN-MOT-0927",
                "--input", "WIRE/W-1=12.5", "--count", "2",
            ],
        ] {
            let run = try unitrace(arguments + ["--db", store], in: directory)
            #expect(run.code == 0, "\(arguments): \(run)")
        }
        let exported = try unitrace(["epcis", "export", "--db", store, "-o", "own.jsonld"], in: directory)
        #expect(exported.code == 0, "\(exported)")
        let json = try String(contentsOf: directory.appendingPathComponent("own.jsonld"), encoding: .utf8)
        #expect(json.contains(#""parentID":"https://id.gs1.org/00/006141410000000036""#))
        #expect(json.contains(#""type":"AggregationEvent""#))
        // The demo's cars have a motor and a battery pack installed: AssociationEvents, valid as well.
        #expect(json.contains(#""type":"AssociationEvent""#))
        #expect(json.contains(#""bizStep":"installing""#))
        #expect(json.contains(#""bizStep":"unpacking""#))
        // Inspections are ObjectEvents of `inspecting` with their result as an extension; a lot's by its class.
        #expect(json.contains(#""unitrace:procedure":"EOL-NOISE""#) && json.contains(#""unitrace:result":"fail""#))
        #expect(json.contains(#""epcClass":"#))
        // A production is a TransformationEvent: inputs in, units out, under its run's transformation ID.
        #expect(json.contains(#""type":"TransformationEvent""#) && json.contains(#""inputQuantityList":["#))
        #expect(json.contains(#""transformationID":"urn:unitrace:transformation:RUN-MOT-0927""#))
        #expect(try validate([directory.appendingPathComponent("own.jsonld").path]).code == 0)
        let xml = try unitrace(["epcis", "export", "--db", store, "--xml", "-o", "own.xml"], in: directory)
        #expect(xml.code == 0, "\(xml)")
        let valid = try validate([directory.appendingPathComponent("own.xml").path], xml: true)
        #expect(valid.code == 0, "\(valid)")
    }

    @Test func aStoresOwnLedgerExportsAsValidXML() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Tests/Fixtures/store-v1.sqlite"), to: store)
        let exported = try unitrace(["epcis", "export", "--db", store.path, "--xml"], in: directory)
        #expect(exported.code == 0, "\(exported)")
        #expect(exported.out.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(exported.out.contains("<bizStep>urn:epcglobal:cbv:bizstep:retail_selling</bizStep>"))
        let file = directory.appendingPathComponent("own.xml")
        try exported.out.write(to: file, atomically: true, encoding: .utf8)
        let valid = try validate([file.path], xml: true)
        #expect(valid.code == 0, "\(valid)")
    }

    @Test func aBrokenDocumentIsRefusedWithThePathOfItsFaultAndNothingIsStored() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("s.sqlite").path
        #expect(try unitrace(["init", "--db", store], in: directory).code == 0)
        let text = try String(
            contentsOf: gs1.appendingPathComponent("json/Example_9.6.2-ObjectEvent.jsonld"), encoding: .utf8)
        let broken = directory.appendingPathComponent("broken.jsonld")
        let edited = text.replacingOccurrences(of: "\"bizStep\": \"receiving\"", with: "\"bizStep\": \"received\"")
        #expect(edited != text)
        try edited.write(to: broken, atomically: true, encoding: .utf8)
        let run = try unitrace(["epcis", "import", "--db", store, broken.path], in: directory)
        #expect(run.code == 65, "\(run)")
        #expect(run.err.contains("$.epcisBody.eventList[0].bizStep"), "\(run)")
        #expect(run.err.contains("nothing recorded"), "\(run)")
        let head = try unitrace(["head", "--db", store], in: directory)
        #expect(head.out.hasPrefix("0:"), "\(head)")
    }
}
