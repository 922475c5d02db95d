import Foundation
import Testing
import UnitraceInventory
import UnitraceTestSupport

@testable import UnitraceCore

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/gs1/json")

private func exampleFiles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "jsonld" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
}

private func events(in bytes: [UInt8]) async throws -> [CapturedEvent] {
    var found: [CapturedEvent] = []
    var stream = JSONStream(bytes: bytes)
    try await EPCISJSONReader.read(&stream, reopen: { JSONStream(bytes: bytes) }) { found.append($0) }
    return found
}

private func importing(_ bytes: [UInt8], into inventory: Inventory) async throws -> EPCISImportReport {
    try await inventory.importEPCIS(open: { JSONStream(bytes: bytes) }, context: EventContext(actor: "partner"))
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
    @Test("every GS1 example imports, and the export holds the same events with the same members and values")
    func roundTrip() async throws {
        let inventory = Inventory(store: try await TestStores.make(), environment: .fixed())
        var originals: [String: JSONValue] = [:]
        var withoutID: [JSONValue] = []
        for file in try exampleFiles() {
            let bytes = [UInt8](try Data(contentsOf: file))
            let report = try await importing(bytes, into: inventory)
            #expect(report.events > 0, "\(file.lastPathComponent)")
            for captured in try await events(in: bytes) {
                if captured.event.eventID == nil {
                    withoutID.append(expanded(captured.event))
                } else if originals[key(captured.event)] == nil {
                    originals[key(captured.event)] = expanded(captured.event)
                }
            }
        }
        let back = try await events(in: exported(inventory))
        #expect(back.count == originals.count + withoutID.count)
        var unmatched = withoutID
        for captured in back {
            var value = expanded(captured.event)
            #expect(captured.event.fields["recordTime"] == nil, "the reader sets the record time aside")
            if let original = originals[key(captured.event)] {
                #expect(value == original, "\(key(captured.event))")
            } else {
                // An event without an ID was given one on capture; apart from it, it must be the same.
                guard case .object(var members) = value else { continue }
                members["eventID"] = nil
                value = .object(members)
                if let index = unmatched.firstIndex(of: value) {
                    unmatched.remove(at: index)
                } else {
                    Issue.record("exported event matches no original: \(captured.event.fields)")
                }
            }
        }
        #expect(unmatched.isEmpty)
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
    }
}
