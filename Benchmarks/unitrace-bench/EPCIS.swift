import Foundation
import UnitraceCore
import UnitraceInventory

/// E5: an EPCIS 2.0 JSON-LD document of partner ObjectEvents (each an SGTIN, a read point, a business
/// location, a purchase order and an event ID) imported as observations; E6: the same events as an XML
/// document. Peak memory is measured in a child process per document size: it must not grow with the
/// document.
struct EPCISWorkload {
    var options: Options
    var stores: BenchStores
    var results: Results

    /// Writes a document of `events` events, once.
    func document(events: Int, xml: Bool) throws -> String {
        let path = options.work + "/epcis-\(events)" + (xml ? ".xml" : ".jsonld")
        if FileManager.default.fileExists(atPath: path) { return path }
        _ = FileManager.default.createFile(atPath: path + ".part", contents: nil)
        guard let file = FileHandle(forWritingAtPath: path + ".part") else { throw BenchError("cannot write \(path)") }
        var buffer = ""
        buffer.reserveCapacity(1 << 21)
        buffer +=
            xml
            ? #"<?xml version="1.0" encoding="UTF-8"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ext="https://example.com/ext/" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList>"#
            : #"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ext":"https://example.com/ext/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":["#
        var clock = SyntheticLedger.Clock()
        for index in 0..<events {
            if xml {
                buffer +=
                    "\n"
                    + #"<ObjectEvent><eventTime>\#(clock.next())</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><eventID>urn:uuid:\#(SyntheticLedger.uuid(index).lowercased())</eventID><epcList><epc>urn:epc:id:sgtin:0614141.107346.\#(index)</epc></epcList><action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep><disposition>urn:epcglobal:cbv:disp:in_progress</disposition><readPoint><id>urn:epc:id:sgln:0614141.00777.\#(index % 50)</id></readPoint><bizLocation><id>urn:epc:id:sgln:0614141.00777.0</id></bizLocation><bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epc:id:gdti:0614141.00001.\#(index / 100)</bizTransaction></bizTransactionList><ext:dock>D\#(index % 12)</ext:dock></ObjectEvent>"#
                if buffer.utf8.count > 1 << 20 {
                    try file.write(contentsOf: Data(buffer.utf8))
                    buffer.removeAll(keepingCapacity: true)
                }
                continue
            }
            if index > 0 { buffer += "," }
            buffer +=
                "\n"
                + #"{"type":"ObjectEvent","eventTime":"\#(clock.next())","eventTimeZoneOffset":"+00:00","eventID":"urn:uuid:\#(SyntheticLedger.uuid(index).lowercased())","action":"OBSERVE","bizStep":"receiving","disposition":"in_progress","epcList":["urn:epc:id:sgtin:0614141.107346.\#(index)"],"readPoint":{"id":"urn:epc:id:sgln:0614141.00777.\#(index % 50)"},"bizLocation":{"id":"urn:epc:id:sgln:0614141.00777.0"},"bizTransactionList":[{"type":"po","bizTransaction":"urn:epc:id:gdti:0614141.00001.\#(index / 100)"}],"ext:dock":"D\#(index % 12)"}"#
            if buffer.utf8.count > 1 << 20 {
                try file.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer += xml ? "\n</EventList></EPCISBody></epcis:EPCISDocument>\n" : "\n]}}\n"
        try file.write(contentsOf: Data(buffer.utf8))
        try file.close()
        try FileManager.default.moveItem(atPath: path + ".part", toPath: path)
        return path
    }

    func run(sizes: [Int]) async throws {
        for (events, xml) in sizes.flatMap({ size in [(size, false), (size, true)] }) {
            let file = try document(events: events, xml: xml)
            var rates: [Double] = []
            var memory: [Double] = []
            for run in 0..<(events > 2_000_000 ? 1 : options.repeats) {
                let store = try await stores.fresh("\(xml ? "e6" : "e5")-\(events)-\(run)")
                defer { stores.remove(store) }
                let outcome = try ImportChild.run(file: file, store: store, epcis: true)
                guard outcome.events == events else {
                    throw BenchError("EPCIS import recorded \(outcome.events) events, expected \(events)")
                }
                rates.append(Double(outcome.events) / outcome.seconds)
                memory.append(outcome.peakMB)
            }
            let size = events.formatted()
            let (id, form) = xml ? ("E6", "XML") : ("E5", "JSON-LD")
            results.add(Figure(id: id, name: "EPCIS \(form) import, \(size) events", unit: "events/s", runs: rates))
            results.add(
                Figure(id: id, name: "  peak resident memory, \(size) events", unit: "MB", runs: memory))
        }
    }

    /// The child's side: one import, then its figures on standard output.
    static func importChild(file: String, store: String) async throws -> ImportChild.Outcome {
        let inventory = Inventory(store: try await BenchStores.open(store))
        let start = now()
        let report = try await inventory.importEPCIS(
            open: {
                guard let handle = FileHandle(forReadingAtPath: file) else { throw BenchError("cannot read \(file)") }
                return {
                    let data = handle.readData(ofLength: 1 << 20)
                    return data.isEmpty ? nil : [UInt8](data)
                }
            }, context: EventContext(actor: "bench"))
        return ImportChild.Outcome(
            events: report.observations + report.applied, seconds: now() - start, peakMB: peakResidentMB())
    }
}
