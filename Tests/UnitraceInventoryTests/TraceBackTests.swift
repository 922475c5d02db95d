import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

/// A supplier's own events, as its EPCIS document shares them: the raw material received (RAW-7), turned into
/// cell lot LB-1, packed on a pallet, the pallet shipped. Lot LB-1 is then received here.
private let supplierDocument = #"""
    {"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
     "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-09-05T10:00:00Z",
     "epcisBody":{"eventList":[
      {"type":"ObjectEvent","eventTime":"2026-08-20T08:00:00.000+02:00","eventTimeZoneOffset":"+02:00","action":"OBSERVE",
       "bizStep":"receiving","bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"},
       "quantityList":[{"epcClass":"https://id.gs1.org/01/04012345099997/10/RAW-7","quantity":500,"uom":"KGM"}]},
      {"type":"TransformationEvent","eventTime":"2026-09-01T08:00:00.000+02:00","eventTimeZoneOffset":"+02:00",
       "bizStep":"commissioning","bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"},
       "inputQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345099997/10/RAW-7","quantity":200,"uom":"KGM"}],
       "outputQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345098761/10/LB-1","quantity":1000}]},
      {"type":"AggregationEvent","eventTime":"2026-09-02T08:00:00.000+02:00","eventTimeZoneOffset":"+02:00","action":"ADD",
       "bizStep":"packing","parentID":"urn:epc:id:sscc:4012345.0000000001",
       "childQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345098761/10/LB-1","quantity":1000}]},
      {"type":"ObjectEvent","eventTime":"2026-09-03T08:00:00.000+02:00","eventTimeZoneOffset":"+02:00","action":"OBSERVE",
       "bizStep":"shipping","epcList":["urn:epc:id:sscc:4012345.0000000001"]},
      {"type":"ObjectEvent","eventTime":"2026-09-03T09:00:00.000+02:00","eventTimeZoneOffset":"+02:00","action":"OBSERVE",
       "bizStep":"shipping","epcList":["urn:epc:id:sscc:4012345.0000000002"]}
     ]}}
    """#

@Suite("Trace back across companies")
struct TraceBackTests {
    @Test("a lot bought from a supplier traces back through its packing and its production to its raw material")
    func supplierPath() async throws {
        let inventory = try await Warehouse.make(on: try await TestStores.make())
        _ = try await inventory.addProduct(
            Product(sku: "CELLS", name: "Cells", gtin: "04012345098761", tracking: .lot))
        let report = try await inventory.importEPCIS(
            open: { EPCISDocument.chunks(Array(supplierDocument.utf8)) }, context: EventContext(actor: "partner"))
        #expect(report.applied == 0, "the supplier's events are kept as observations")
        _ = try await inventory.receiveStock(
            [StockLineRequest(sku: "CELLS", lot: "LB-1", quantity: "1000")], at: "WH1-A-01", context: .dock)

        let trace = try await inventory.traceBack("CELLS/LB-1")
        #expect(trace.identifier.value == "https://id.gs1.org/01/04012345098761/10/LB-1")
        #expect(trace.steps.map(\.bizStep) == ["receiving", "commissioning", "packing", "shipping"])
        #expect(trace.steps.allSatisfy { !$0.own })
        #expect(trace.steps[1].type == .transformation)
        #expect(trace.steps[1].leadsTo.map(\.value) == ["https://id.gs1.org/01/04012345099997/10/RAW-7"])
        #expect(trace.steps[2].leadsTo.count == 1, "the pallet the lot travelled on")
        #expect(trace.identifiers.count == 3, "the lot, its raw material, its pallet; not the other pallet")
        #expect(BackTraceJSON(trace).text.contains("TransformationEvent  commissioning"))

        // An EPC class given as a URI finds the same path; a unit's own history is part of its path.
        #expect(try await inventory.traceBack("urn:epc:class:lgtin:4012345.009876.LB-1").steps.count == 4)
        try await Warehouse.receiveMotors(inventory, ["M-9"])
        let own = try await inventory.traceBack("EVM-200/M-9")
        #expect(own.steps.count == 1 && own.steps[0].own && own.steps[0].bizStep == "receiving")
        await #expect(throws: InputError.self) {
            _ = try await inventory.traceBack("urn:epc:id:sscc:4012345.0000000099")
        }
    }
}
