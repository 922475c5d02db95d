import Foundation
import Testing
import UnitraceInventory
import UnitraceTestSupport

@testable import UnitraceCore

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/gs1/json")

private func exampleFiles() throws -> [URL] {
    let xml = examples.deletingLastPathComponent().appendingPathComponent("xml")
    return try
        (FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil)
        + FileManager.default.contentsOfDirectory(at: xml, includingPropertiesForKeys: nil))
        .filter { ["jsonld", "xml"].contains($0.pathExtension) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
}

private func events(in bytes: [UInt8]) async throws -> [CapturedEvent] {
    var found: [CapturedEvent] = []
    try await EPCISDocument.read(open: { EPCISDocument.chunks(bytes) }) { found.append($0) }
    return found
}

private func importing(_ bytes: [UInt8], into inventory: Inventory) async throws -> EPCISImportReport {
    try await inventory.importEPCIS(
        open: { EPCISDocument.chunks(bytes) }, context: EventContext(actor: "partner"))
}

private func exported(_ inventory: Inventory, _ filter: EventFilter = .all) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    _ = try await inventory.exportEPCIS(filter) { bytes += $0 }
    return bytes
}

/// An event's members with every prefixed name written as its full IRI: what JSON-LD reads.
private func expanded(_ event: EPCISEvent) -> JSONValue {
    EPCISJSONWriter.expanding(.object(event.fields), event.namespaces)
}

/// Which event of a document this is: its ID, and whether it declares an error.
private func key(_ event: EPCISEvent) -> String {
    (event.eventID ?? "no-id") + (event.isErrorDeclaration ? "#declaration" : "")
}

@Suite("EPCIS documents in and out")
struct EPCISTransferTests {
    @Test(
        "every GS1 example, JSON and XML, imports, and the export holds the same events with the same members and values"
    )
    func roundTrip() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        var originals: [String: JSONValue] = [:]
        // An event without an ID is given its CBV event hash: the same event in two documents is one event.
        var withoutID: [String: JSONValue] = [:]
        for file in try exampleFiles() {
            let bytes = [UInt8](try Data(contentsOf: file))
            let report = try await importing(bytes, into: inventory)
            #expect(report.events > 0, "\(file.lastPathComponent)")
            for captured in try await events(in: bytes) {
                if captured.event.eventID == nil {
                    let hash = EPCISEventHash.id(of: captured.event)
                    withoutID[hash + (captured.event.isErrorDeclaration ? "#declaration" : "")] = expanded(
                        captured.event)
                } else if originals[key(captured.event)] == nil {
                    originals[key(captured.event)] = expanded(captured.event)
                }
            }
        }
        let back = try await events(in: exported(inventory))
        #expect(back.count == originals.count + withoutID.count)
        for captured in back {
            var value = expanded(captured.event)
            #expect(captured.event.fields["recordTime"] == nil, "the reader sets the record time aside")
            if let original = originals[key(captured.event)] {
                #expect(value == original, "\(key(captured.event))")
            } else {
                // Apart from the ID it was given, the hash of the event as captured, it must be the same.
                let id = try #require(captured.event.eventID)
                #expect(id.hasPrefix("ni:///sha-256;"))
                guard case .object(var members) = value else { continue }
                members["eventID"] = nil
                value = .object(members)
                #expect(value == withoutID[key(captured.event)], "exported event matches no original: \(id)")
            }
        }
        #expect(try await inventory.verify().ok)
    }

    @Test("an event captured again (the same event ID) is recorded once")
    func once() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        let bytes = [UInt8](try Data(contentsOf: examples.appendingPathComponent("Example_9.6.1-ObjectEvent.jsonld")))
        let first = try await importing(bytes, into: inventory)
        #expect(first.observations == 2)
        let head = try await inventory.head()
        let second = try await importing(bytes, into: inventory)
        #expect(second.observations == 0)
        #expect(second.skipped == 2)
        #expect(try await inventory.head() == head)

        // The same events declared wrong are events of their own.
        let declared = [UInt8](
            try Data(
                contentsOf: examples.appendingPathComponent("Example_9.6.1-ObjectEvent-with-error-declaration.jsonld")))
        let third = try await importing(declared, into: inventory)
        #expect(third.observations == 1)
        #expect(third.skipped == 1)
    }

    @Test("an event without an ID is given its CBV event hash, and recorded once in whichever form it comes again")
    func hashID() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        let json = Array(
            #"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
             "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-12-03T10:00:00Z",
             "epcisBody": {"eventList": [
               {"type": "ObjectEvent", "eventTime": "2026-11-30T07:55:00+01:00", "eventTimeZoneOffset": "+01:00",
                "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
                "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"]}]}}
            """#.utf8)
        let xml = Array(
            """
            <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-12-03T10:00:00Z">
            <EPCISBody><EventList><ObjectEvent>
              <eventTime>2026-11-30T06:55:00.000Z</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
              <epcList><epc>https://id.gs1.org/01/10614141073464/21/2017</epc></epcList><action>OBSERVE</action>
              <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep><disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
            </ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>
            """.utf8)
        let first = try await importing(json, into: inventory)
        #expect(first.observations == 1)
        let head = try await inventory.head()
        let again = try await importing(xml, into: inventory)
        #expect(again.skipped == 1)
        #expect(again.observations == 0)
        #expect(try await inventory.head() == head)
        let back = try await events(in: exported(inventory))
        let hash = EPCISEventHash.id(of: try #require(try await events(in: xml).first).event)
        #expect(back.map(\.event.eventID) == [hash])
        #expect(hash.hasPrefix("ni:///sha-256;"))
    }

    @Test("a query naming identifiers reads the index and the units' histories, and finds what a full scan finds")
    func identifierQueries() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-000117", "M-000118"])
        _ = try await inventory.move(["EVM-200/M-000117"], to: "WH1-B", context: .dock)
        for file in try exampleFiles() {
            _ = try await importing([UInt8](try Data(contentsOf: file)), into: inventory)
        }
        let everything = try await inventory.queryEPCIS(EPCISQuery(), limit: 1_000).events
        var identifiers = Set(everything.flatMap { $0.allEPCs + $0.allClasses })
        #expect(identifiers.contains("https://id.gs1.org/01/03760123450010/21/M-000118"))
        #expect(identifiers.count > 30)
        for identifier in identifiers.sorted() {
            for conditions in [\EPCISQuery.anyEPCs, \EPCISQuery.epcs, \EPCISQuery.parentIDs, \EPCISQuery.epcClasses] {
                var query = EPCISQuery()
                query[keyPath: conditions] = [identifier]
                // A value ending in `*` is a pattern, which a scan answers.
                #expect(query.namedIdentifiers == (identifier.hasSuffix("*") ? nil : [identifier]))
                let found = try await inventory.queryEPCIS(query, limit: 1_000)
                let scanned = everything.filter(query.matches)
                #expect(found.events == scanned, "\(identifier)")
                #expect(found.next == nil)
            }
        }
        // Unitrace's own events are found by any name of their unit.
        var own = EPCISQuery()
        own.anyEPCs = ["urn:unitrace:unit:EVM-200:M-000117"]
        #expect(try await inventory.queryEPCIS(own).events.count == 2)
        own.anyEPCs = ["https://id.gs1.org/01/03760123450010/21/M-000117"]
        #expect(try await inventory.queryEPCIS(own).events.count == 2)
        // Paging through the index path: every event once, in order.
        var paged: [EPCISEvent] = []
        var after: Int64 = 0
        var query = EPCISQuery()
        query.anyEPCs = Array(identifiers)
        while true {
            let page = try await inventory.queryEPCIS(query, after: after, limit: 3)
            paged += page.events
            guard let next = page.next else { break }
            after = next
        }
        #expect(paged == everything.filter(query.matches))
    }

    @Test("a document with a fault in its last event stores nothing, and names where the fault is")
    func faultStoresNothing() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        let text = try String(
            contentsOf: examples.appendingPathComponent("Example_9.6.1-ObjectEvent.jsonld"), encoding: .utf8)
        let last = try #require(text.range(of: "\"action\": \"OBSERVE\"", options: .backwards))
        let broken = text.replacingCharacters(in: last, with: "\"action\": \"LOOK\"")
        #expect(broken != text)
        let head = try await inventory.head()
        do {
            _ = try await importing(Array(broken.utf8), into: inventory)
            Issue.record("a broken document was imported")
        } catch let fault as EPCISFault {
            #expect(fault.path == "$.epcisBody.eventList[1].action", "\(fault)")
        }
        #expect(try await inventory.head() == head)
    }

    @Test("Unitrace's own events leave as EPCIS ObjectEvents: action, business step, places, documents, corrections")
    func ownEvents() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.receive(
            ReceiveRequest(sku: "EVM-200", location: "WH1", lines: [ReceiveLine(serial: "M-1")], lot: "L-7"),
            context: EventContext(actor: "clerk", documents: [DocumentRef(type: "po", id: "PO-1")]))
        _ = try await inventory.scrap(["EVM-200/M-1"], context: EventContext(actor: "clerk", reason: "dropped"))
        let scrap = try await inventory.head().sequence
        _ = try await inventory.correct(sequence: scrap, context: EventContext(actor: "clerk", reason: "wrong unit"))

        let back = try await events(in: exported(inventory))
        #expect(back.count == 3)
        let (receipt, scrapped, declared) = (back[0].event, back[1].event, back[2].event)
        #expect(receipt.action == .add)
        #expect(receipt.bizStep == "receiving")
        #expect(receipt.list("epcList") == ["https://id.gs1.org/01/03760123450010/21/M-1"])
        #expect(receipt.bizLocation == "urn:unitrace:location:WH1")
        #expect(receipt.bizTransactions.map(\.type) == ["po"])
        #expect(receipt.fields["ilmd"]?["cbvmda:lotNumber"] == .string("L-7"))
        #expect(scrapped.action == .delete)
        #expect(scrapped.fields["unitrace:reason"] == .string("dropped"))
        #expect(!scrapped.isErrorDeclaration)
        // The correction is the standard's error declaration: the scrap again, declared wrong.
        #expect(declared.isErrorDeclaration)
        #expect(declared.eventID == scrapped.eventID)
        #expect(declared.fields["errorDeclaration"]?["reason"] == .string("incorrect_data"))

        // Filters: a business step, a place and what is beneath it.
        var destroyed: [UInt8] = []
        _ = try await inventory.exportEPCIS(businessStep: "destroying") { destroyed += $0 }
        #expect(try await events(in: destroyed).map(\.event.eventID) == [scrapped.eventID])
        _ = try await inventory.receive(
            ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: [ReceiveLine(serial: "B-1")]),
            context: EventContext(actor: "clerk"))
        var zone: [UInt8] = []
        _ = try await inventory.exportEPCIS(location: "WH1-A") { zone += $0 }
        #expect(try await events(in: zone).map { $0.event.list("epcList") } == [["urn:unitrace:unit:BP-75:B-1"]])
        var site: [UInt8] = []
        _ = try await inventory.exportEPCIS(location: "WH1") { site += $0 }
        #expect(try await events(in: site).count == 3)
    }
}

/// A one-event EPCIS document whose event is `members` (JSON object members, without braces).
private func document(_ members: String) -> [UInt8] {
    Array(
        #"""
        {"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"unitrace":"https://ns.unitrace.dev/epcis/"}],
         "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-30T10:00:00Z",
         "epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-11-30T09:00:00.000+01:00",
           "eventTimeZoneOffset":"+01:00",\#(members)}]}}
        """#.utf8)
}

@Suite("EPCIS events about tracked units")
struct EPCISTrackedTests {
    let motor = "https://id.gs1.org/01/03760123450010/21/M-1"

    @Test("a partner's shipping event moves a tracked unit as ship does, named by its Digital Link")
    func ship() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let report = try await importing(
            document(
                #""eventID":"urn:uuid:5f0e8a52-3c1d-4b7e-9a43-0c2d6e1f7a90","action":"OBSERVE","bizStep":"shipping","epcList":["\#(motor)"],"destinationList":[{"type":"location","destination":"urn:unitrace:location:SHOP"}]"#
            ), into: inventory)
        #expect(report.applied == 1)
        #expect(report.observations == 0)
        let state = try await inventory.passport("EVM-200/M-1").state
        #expect(state.status == .inTransit)
        #expect(state.destination == "SHOP")
        #expect(try await inventory.verify().ok)
    }

    @Test("the verbs' rules hold: a ship of a unit not in stock is refused, naming the event, and nothing is stored")
    func refusedByRule() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        _ = try await inventory.scrap(["EVM-200/M-1"], context: EventContext(actor: "t", reason: "broken"))
        let head = try await inventory.head()
        do {
            _ = try await importing(
                document(
                    #""action":"OBSERVE","bizStep":"shipping","epcList":["\#(motor)"],"destinationList":[{"type":"location","destination":"urn:unitrace:location:SHOP"}]"#
                ), into: inventory)
            Issue.record("a ship of a scrapped unit was recorded")
        } catch let failure as EPCISImportFailed {
            let rejected = try #require(failure.error as? BatchRejected)
            #expect(rejected.problems.map(\.place) == ["$.epcisBody.eventList[0]"])
            #expect(rejected.problems.first?.code == "unit-scrapped", "\(rejected)")
        }
        #expect(try await inventory.head() == head)
    }

    @Test(
        "what a verb needs, an event must give",
        arguments: [
            (#""action":"DELETE","bizStep":"destroying""#, "a scrap needs a reason"),
            (#""action":"OBSERVE","bizStep":"shipping""#, "ship needs a destination"),
            (
                #""action":"OBSERVE","bizStep":"storing","bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"}"#,
                "move needs a bizLocation"
            ),
            (#""action":"OBSERVE","bizStep":"commissioning""#, "names no Unitrace verb"),
        ])
    func needs(_ members: String, _ words: String) async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        do {
            _ = try await importing(document(members + #","epcList":["\#(motor)"]"#), into: inventory)
            Issue.record("accepted")
        } catch let failure as EPCISImportFailed {
            #expect("\(failure.error)".contains(words), "\(failure.error)")
        }
    }

    @Test("a reason given as unitrace:reason is the verb's reason")
    func reason() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let report = try await importing(
            document(
                #""action":"DELETE","bizStep":"destroying","unitrace:reason":"crushed","epcList":["urn:unitrace:unit:EVM-200:M-1"]"#
            ), into: inventory)
        #expect(report.applied == 1)
        let passport = try await inventory.passport("EVM-200/M-1")
        #expect(passport.state.status == .scrapped)
        #expect(passport.history.last?.event.reason == "crushed")
    }

    @Test("an inspecting event with unitrace:inspection is an inspection; one with no procedure is refused")
    func inspection() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let report = try await importing(
            document(
                #""action":"OBSERVE","bizStep":"inspecting","unitrace:inspection":{"unitrace:procedure":"EOL-NOISE","unitrace:result":"fail","unitrace:defect":"noise","unitrace:measurement1":{"unitrace:name":"noise","unitrace:value":"48","unitrace:unit":"dB","unitrace:high":"45"}},"epcList":["urn:unitrace:unit:EVM-200:M-1"]"#
            ), into: inventory)
        #expect(report.applied == 1)
        let passport = try await inventory.passport("EVM-200/M-1")
        #expect(passport.state.status == .inStock, "an inspection changes no state")
        let recorded = try #require(passport.inspections.first?.inspection)
        #expect(recorded.procedure == "EOL-NOISE" && recorded.result == .fail && recorded.defect == "noise")
        #expect(recorded.measurements == [MeasuredValue(name: "noise", value: "48", unit: "dB", high: "45")])
        do {
            _ = try await importing(
                document(
                    #""action":"OBSERVE","bizStep":"inspecting","unitrace:inspection":{"unitrace:procedure":"EOL","unitrace:result":"maybe"},"epcList":["urn:unitrace:unit:EVM-200:M-1"]"#
                ), into: inventory)
            Issue.record("accepted")
        } catch let failure as EPCISImportFailed {
            #expect("\(failure.error)".contains("unitrace:result (pass or fail)"), "\(failure.error)")
        }
        #expect(try await inventory.verify().ok)
    }

    @Test("an event naming tracked units and foreign objects together is refused")
    func mixed() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        do {
            _ = try await importing(
                document(
                    #""action":"OBSERVE","bizStep":"inspecting","epcList":["\#(motor)","urn:epc:id:sgtin:0614141.107346.2017"]"#
                ), into: inventory)
            Issue.record("accepted")
        } catch let failure as EPCISImportFailed {
            #expect("\(failure.error)".contains("urn:epc:id:sgtin:0614141.107346.2017"), "\(failure.error)")
        }
    }
}
