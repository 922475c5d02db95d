import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Counts over HTTP")
struct CountAPITests {
    @Test("a count is opened, scanned, closed and approved over the API")
    func count() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            var id = ""
            try await client.execute(
                uri: "/api/v1/counts", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"location":"WH1"}"#)
            ) { response in
                #expect(response.status == .created)
                struct Opened: Decodable {
                    var id: String
                    var expectedUnits: Int
                }
                let opened = try response.decode(Opened.self)
                id = opened.id
                #expect(opened.expectedUnits == 3)
            }
            try await client.execute(
                uri: "/api/v1/counts/\(id)/scans", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"scans":["EVM-200/M-1","EVM-200/M-2","EVM-200/M-1","FAKE-1"],"location":"WH1-A-01"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""scans":"4""#))
            }
            try await client.execute(
                uri: "/api/v1/counts/sample?location=WH1&units=2", method: .get, headers: fixture.headers(.auditor)
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/counts/\(id)/close", method: .post, headers: fixture.headers(.operator)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""unit":"EVM-200/M-3""#))
                #expect(response.text.contains(#""scan":"FAKE-1""#))
            }
            try await client.execute(
                uri: "/api/v1/counts/\(id)/close", method: .post, headers: fixture.headers(.operator)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/counts/\(id)/approve", method: .post, headers: fixture.headers(.operator),
                body: json("{}")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""state":"approved""#))
            }
            try await client.execute(uri: "/api/v1/counts/C-NOPE", method: .get, headers: fixture.headers(.auditor)) {
                #expect($0.status == .notFound)
            }
        }
        #expect(
            try await fixture.inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-3")]).first?.value.status
                == .missing)
    }
}
