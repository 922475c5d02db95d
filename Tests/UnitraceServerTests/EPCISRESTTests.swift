import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

/// A document of partner events: two shipments and a receipt of objects Unitrace does not track.
private let partnerDocument = #"""
    {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
     "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-12-03T10:00:00Z",
     "epcisBody": {"eventList": [
       {"type": "ObjectEvent", "eventTime": "2026-11-30T07:55:00+01:00", "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:x:po:4711"}]},
       {"type": "ObjectEvent", "eventTime": "2026-11-30T08:10:00+01:00", "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"]},
       {"type": "AggregationEvent", "eventTime": "2026-12-01T09:00:00+01:00", "eventTimeZoneOffset": "+01:00",
        "action": "ADD", "bizStep": "receiving", "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"]}
     ]}}
    """#

private struct QueryDocument: Decodable {
    struct Body: Decodable {
        struct Results: Decodable {
            struct Events: Decodable { var eventList: [[String: JSONValue]] }
            var queryName: String
            var resultsBody: Events
        }
        var queryResults: Results
    }
    var type: String
    var epcisBody: Body

    var events: [[String: JSONValue]] { epcisBody.queryResults.resultsBody.eventList }
    var ids: [String] { events.compactMap { $0["eventID"]?.string } }
}

private struct Job: Decodable {
    var captureID: String
    var running: Bool
    var success: Bool
    var events: Int
    var observations: Int
    var errors: [ProblemBody]
}

@Suite("EPCIS 2.0 REST binding")
struct EPCISRESTTests {
    /// Captures `document` and answers the capture job.
    private func capture(_ document: String, _ fixture: ServerFixture, _ client: some TestClientProtocol) async throws
        -> Job
    {
        var location = ""
        try await client.execute(
            uri: "/epcis/capture", method: .post, headers: fixture.headers(.operator), body: json(document)
        ) { response in
            #expect(response.status == .accepted, "\(response.text)")
            #expect(response.headers[HTTPField.Name("GS1-EPCIS-Version")!] == "2.0.0")
            #expect(response.headers[HTTPField.Name("GS1-CBV-Version")!] == "2.0.0")
            location = response.headers[.location] ?? ""
        }
        #expect(location.hasPrefix("/epcis/capture/"))
        var job: Job?
        try await client.execute(uri: location, method: .get, headers: fixture.headers(.auditor)) { response in
            #expect(response.status == .ok)
            job = try response.decode(Job.self)
        }
        return try #require(job)
    }

    private func query(_ uri: String, _ fixture: ServerFixture, _ client: some TestClientProtocol) async throws
        -> (QueryDocument, next: String?)
    {
        var result: (QueryDocument, String?)?
        try await client.execute(uri: uri, method: .get, headers: fixture.headers(.auditor)) { response in
            #expect(response.status == .ok, "\(uri): \(response.text)")
            #expect(response.headers[HTTPField.Name("GS1-EPCIS-Version")!] == "2.0.0")
            let link = response.headers[HTTPField.Name("Link")!]
            result = (try response.decode(QueryDocument.self), link)
        }
        return try #require(result)
    }

    @Test("a captured document is a finished job; its events are found by the standard's query parameters")
    func captureAndQuery() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            let job = try await capture(partnerDocument, fixture, client)
            #expect(job.success && !job.running)
            #expect(job.events == 3)
            #expect(job.observations == 3)

            let all = try await query("/epcis/events?eventType=ObjectEvent|AggregationEvent", fixture, client)
            #expect(all.0.type == "EPCISQueryDocument")
            #expect(all.0.epcisBody.queryResults.queryName == "SimpleEventQuery")
            let partner = all.0.events.filter { $0["type"]?.string != "ObjectEvent" || $0["bizStep"] != nil }
            #expect(partner.count >= 3)

            let shipped = try await query("/epcis/events?EQ_bizStep=shipping&eventType=ObjectEvent", fixture, client)
            #expect(shipped.0.events.count == 2)
            // An EPC URI event is found by the Digital Link of the same object, in any list.
            let any = try await query(
                "/epcis/events?MATCH_anyEPC=https://id.gs1.org/01/10614141073464/21/2017", fixture, client)
            #expect(any.0.events.map { $0["type"]?.string } == ["ObjectEvent", "AggregationEvent"])
            let parent = try await query(
                "/epcis/events?MATCH_parentID=urn:epc:id:sscc:0614141.1234567890", fixture, client)
            #expect(parent.0.events.count == 1)
            let pattern = try await query(
                "/epcis/events?MATCH_epc=urn:epc:id:sgtin:0614141.107346.*&EQ_action=OBSERVE", fixture, client)
            #expect(pattern.0.events.count == 2)
            let po = try await query("/epcis/events?EQ_bizTransaction_po=urn:x:po:4711", fixture, client)
            #expect(po.0.events.count == 1)
            let late = try await query(
                "/epcis/events?GE_eventTime=2026-11-30T08:00:00%2B01:00&LT_eventTime=2026-12-01T00:00:00Z", fixture,
                client)
            #expect(late.0.events.map { $0["epcList"] } == [.array([.string("urn:epc:id:sgtin:0614141.107346.2018")])])

            // Each event by its ID: the partner's events had none, so they carry their CBV event hash.
            let id = try #require(shipped.0.ids.first)
            #expect(id.hasPrefix("ni:///sha-256;"))
            let encoded = try #require(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let one = try await query("/epcis/events/\(encoded)", fixture, client)
            #expect(one.0.ids == [id])
            try await client.execute(
                uri: "/epcis/events/urn%3Auuid%3A00000000-0000-0000-0000-000000000000", method: .get,
                headers: fixture.headers(.auditor)
            ) { #expect($0.status == .notFound) }

            // Capturing the same document again records nothing twice.
            let again = try await capture(partnerDocument, fixture, client)
            #expect(again.success)
            #expect(again.observations == 0)
        }
    }

    @Test("pages follow the Link header's nextPageToken to the end, each event once")
    func paging() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            _ = try await capture(partnerDocument, fixture, client)
            let everything = try await query("/epcis/events?perPage=1000", fixture, client)
            #expect(everything.next == nil)
            var seen: [String] = []
            var uri: String? = "/epcis/events?perPage=2"
            var pages = 0
            while let next = uri, pages < 20 {
                let page = try await query(next, fixture, client)
                #expect(page.0.events.count <= 2)
                seen += page.0.ids
                pages += 1
                uri = page.next.flatMap { link in
                    link.split(separator: ">").first.map { String($0.dropFirst()) }
                }
                if let uri { #expect(uri.contains("perPage=2") && uri.contains("nextPageToken=")) }
            }
            #expect(seen == everything.0.ids)
            #expect(pages >= 2)
        }
    }

    @Test("bad parameters are the binding's QueryParameterException; a bad document a ValidationException")
    func refusals() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await fixture.inventory.store.head()
        try await fixture.app().test(.router) { client in
            for uri in [
                "/epcis/events?eventType=Thing", "/epcis/events?EQ_action=WATCH", "/epcis/events?GE_eventTime=today",
                "/epcis/events?perPage=0", "/epcis/events?nextPageToken=abc", "/epcis/events?EQ_bizStep=a||b",
                "/epcis/events?EQ_quantity=3",
            ] {
                try await client.execute(uri: uri, method: .get, headers: fixture.headers(.auditor)) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.isProblem)
                    #expect((try? response.decode(ProblemBody.self).type) == "epcisException:QueryParameterException")
                }
            }
            let broken = partnerDocument.replacingOccurrences(of: #""action": "ADD""#, with: #""action": "PUT""#)
            try await client.execute(
                uri: "/epcis/capture", method: .post, headers: fixture.headers(.operator), body: json(broken)
            ) { response in
                #expect(response.status == .badRequest)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.type == "epcisException:ValidationException")
                #expect(problem.title.contains("$.epcisBody.eventList[2].action"), "\(problem.title)")
            }
            try await client.execute(
                uri: "/epcis/events", method: .get, headers: fixture.headers(nil)
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/epcis/capture", method: .post, headers: fixture.headers(.auditor), body: json(partnerDocument)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/epcis/capture/nope", method: .get, headers: fixture.headers(.auditor)
            ) { #expect($0.status == .notFound) }
        }
        #expect(try await fixture.inventory.store.head() == before)
    }

    @Test("a document a rule refuses makes a job that failed, and records nothing of it")
    func ruleRefusal() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await fixture.inventory.store.head()
        let mixed = partnerDocument.replacingOccurrences(
            of: #""epcList": ["urn:epc:id:sgtin:0614141.107346.2018"]"#,
            with: #""epcList": ["urn:epc:id:sgtin:0614141.107346.2018", "urn:unitrace:unit:EVM-200:M-1"]"#)
        #expect(mixed != partnerDocument)
        try await fixture.app().test(.router) { client in
            let job = try await capture(mixed, fixture, client)
            #expect(!job.success)
            #expect(!job.running)
            #expect(job.errors.count == 1)
            #expect(job.errors.first?.title.contains("capture them as two events") == true, "\(job.errors)")
        }
        #expect(try await fixture.inventory.store.head() == before)
    }
}
