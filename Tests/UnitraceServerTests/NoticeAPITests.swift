import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Receiving against notices over HTTP")
struct NoticeAPITests {
    @Test(
        "a notice is recorded (JSON and CSV), scanned, shown with its discrepancies, accepted in part and refused over the API"
    )
    func receipt() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/asns", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"id":"ASN-9","supplier":"ACME","orderedOn":"2026-11-20","location":"WH1-B","lines":[{"product":"BP-75","serial":"B-1"},{"product":"BP-75","serial":"B-2"},{"product":"SCREW-4","quantity":"100"}]}"#
                )
            ) { response in
                #expect(response.status == .created)
                #expect(response.text.contains(#""announcedUnits":2"#))
            }
            try await client.execute(
                uri: "/api/v1/asns", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"id":"ASN-10","supplier":"ACME","lines":[{"product":"BP-75","serial":"B-1","colour":"red"}]}"#)
            ) { response in
                #expect(response.status.code == 422)
                #expect(response.text.contains("colour"))
            }
            var csv = fixture.headers(.operator)
            csv[.contentType] = "text/csv"
            try await client.execute(
                uri: "/api/v1/asns?id=ASN-11&supplier=ACME&location=WH1-B", method: .post, headers: csv,
                body: ByteBuffer(string: "product,serial\nBP-75,B-7\nBP-75,B-7\n")
            ) { response in
                #expect(response.status.code == 409)
                #expect(response.text.contains("duplicate-scan"))
            }
            try await client.execute(
                uri: "/api/v1/asns?id=ASN-11&supplier=ACME&location=WH1-B", method: .post, headers: csv,
                body: ByteBuffer(string: "product,serial\nBP-75,B-7\n")
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/api/v1/asns/ASN-9/scans", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"scans":["B-1","BP-75/B-5"],"quantities":[{"product":"SCREW-4","quantity":"80"}]}"#)
            ) { #expect($0.text.contains(#""scans":"3""#)) }
            try await client.execute(uri: "/api/v1/asns/ASN-9", method: .get, headers: fixture.headers(.auditor)) {
                response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""unit":"BP-75/B-5""#))
                #expect(response.text.contains(#""serial":"B-2""#))
                #expect(response.text.contains(#""received":"80""#))
            }
            try await client.execute(
                uri: "/api/v1/asns/ASN-9/accept", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"part":true}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""state":"partial""#))
            }
            try await client.execute(
                uri: "/api/v1/asns/ASN-9/accept", method: .post, headers: fixture.headers(.operator), body: json("{}")
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/asns/ASN-11/refuse", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"reason":"wet pallet"}"#)
            ) { #expect($0.text.contains(#""state":"refused""#)) }
            try await client.execute(uri: "/api/v1/asns", method: .get, headers: fixture.headers(.auditor)) {
                #expect($0.text.contains("ASN-11"))
            }
            try await client.execute(uri: "/api/v1/asns/ASN-404", method: .get, headers: fixture.headers(.auditor)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/asns/lead-times", method: .get, headers: fixture.headers(.auditor)) {
                #expect($0.text.contains(#""supplier":"ACME""#))
            }
        }
        let states = try await fixture.inventory.store.states(of: [
            UnitKey(sku: "BP-75", serial: "B-1"), UnitKey(sku: "BP-75", serial: "B-5"),
        ])
        #expect(states.keys.map(\.serial) == ["B-1"])
    }
}
