import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Transfers over HTTP")
struct TransferAPITests {
    @Test(
        "a transfer is requested, shipped (in transit), arrived and listed over the API; steps out of order are refused"
    )
    func transfer() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            var id = ""
            try await client.execute(
                uri: "/api/v1/transfers", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["EVM-200/M-1"],"from":"WH1","to":"SHOP","order":"ORD-1"}"#)
            ) { response in
                #expect(response.status == .created)
                struct Requested: Decodable { var id: String }
                id = try response.decode(Requested.self).id
            }
            try await client.execute(
                uri: "/api/v1/transfers/\(id)/arrive", method: .post, headers: fixture.headers(.operator),
                body: json("{}")
            ) { response in
                #expect(response.status.code == 422)
                #expect(response.text.contains("not shipped"))
            }
            try await client.execute(
                uri: "/api/v1/transfers/\(id)/ship", method: .post, headers: fixture.headers(.operator),
                body: json("{}")
            ) { #expect($0.text.contains(#""state":"shipped""#)) }
            try await client.execute(
                uri: "/api/v1/transfers?state=shipped", method: .get, headers: fixture.headers(.auditor)
            ) { #expect($0.text.contains(id)) }
            try await client.execute(
                uri: "/api/v1/transfers/\(id)/arrive", method: .post, headers: fixture.headers(.operator),
                body: json("{}")
            ) { #expect($0.text.contains(#""state":"arrived""#)) }
            try await client.execute(
                uri: "/api/v1/transfers", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["EVM-200/M-2"],"from":"WH1","to":"WH1"}"#)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/transfers/T-NOPE", method: .get, headers: fixture.headers(.auditor)
            ) { #expect($0.status == .notFound) }
        }
        let m1 = UnitKey(sku: "EVM-200", serial: "M-1")
        #expect(try await fixture.inventory.store.states(of: [m1])[m1]?.location == "SHOP")
    }
}

@Suite("Audit over HTTP")
struct AuditAPITests {
    @Test("the audit is an auditor's read: each check with its count; an operator may not run it")
    func audit() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: fixture.headers(.auditor)) {
                response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""check":"expired-sellable""#))
                #expect(response.text.contains(#""ok":true"#))
            }
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: fixture.headers(.operator)) {
                #expect($0.status == .forbidden)
            }
        }
    }
}
