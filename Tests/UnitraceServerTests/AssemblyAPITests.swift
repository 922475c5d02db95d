import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Assembly, runs and the trace over HTTP")
struct AssemblyAPITests {
    @Test("a run is recorded, a lot names it, a motor goes into a pack, and both traces show it; a cycle is 409")
    func installAndTrace() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/runs", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"id":"RUN-7","line":"MOTOR-L1","equipment":"WINDER-3","shift":"early"}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(response.text.contains(#""line":"MOTOR-L1""#))
            }
            try await client.execute(
                uri: "/api/v1/units/receive", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"product":"EVM-200","location":"WH1-A-01","units":["M-9"],"lot":"ML-7","lotDetails":{"run":"RUN-7","madeOn":"2026-09-28"}}"#
                )
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/units/receive", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"product":"BP-75","location":"WH1-A-01","units":["B-1"]}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/units/install", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"parent":"BP-75/B-1","components":["M-9"]}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(response.text.contains(#""components":["EVM-200/M-9"]"#))
            }
            // The pack cannot go into the motor it holds.
            try await client.execute(
                uri: "/api/v1/units/install", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"parent":"EVM-200/M-9","components":["BP-75/B-1"]}"#)
            ) { response in
                #expect(response.status.code == 409)
                #expect(response.text.contains("install-cycle"))
            }
            try await client.execute(
                uri: "/api/v1/trace/down?unit=BP-75/B-1", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.status == .ok)
                let body = response.text
                #expect(body.contains(#""components":[{"#))
                #expect(body.contains(#""run":"RUN-7""#) && body.contains(#""line":"MOTOR-L1""#))
            }
            try await client.execute(
                uri: "/api/v1/trace/up?product=EVM-200&lot=ML-7", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.text.contains(
                        #""units":[{"location":"WH1-A-01","status":"in-stock","unit":"BP-75/B-1"}]"#))
            }
            try await client.execute(
                uri: "/api/v1/trace/up?product=EVM-200&lot=NOPE", method: .get, headers: fixture.headers(.support)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/trace/back?item=EVM-200/M-9", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.text.contains(#""source":"own""#) && response.text.contains(#""bizStep":"installing""#))
            }
            try await client.execute(uri: "/api/v1/trace/back", method: .get, headers: fixture.headers(.support)) {
                #expect($0.status.code == 422)
            }
            try await client.execute(
                uri: "/api/v1/trace/up", method: .get, headers: fixture.headers(.support)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/units/lookup?scan=M-9", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.text.contains(#""installedIn":[{"#))
                #expect(response.text.contains(#""origin":{"#))
            }
            try await client.execute(
                uri: "/api/v1/units/remove", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"parent":"B-1","components":["M-9"],"location":"WH1-B"}"#)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/api/v1/units/install", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"parent":"B-1","components":["M-9"],"surprise":1}"#)
            ) { response in
                #expect(response.status.code == 422)
                #expect(response.text.contains("surprise"))
            }
        }
        #expect(try await fixture.inventory.verify().ok)
    }
}

@Suite("Recalls over HTTP")
struct RecallAPITests {
    @Test("a recall is made, shown with customers only to roles that may see them, reported as CSV and closed")
    func recallOverHTTP() async throws {
        let fixture = try await ServerFixture.make()
        let inventory = fixture.inventory
        _ = try await inventory.receive(
            ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: [ReceiveLine(serial: "B-1")]), context: .dock)
        _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .dock)
        _ = try await inventory.sell(["BP-75/B-1"], sale: Sale(customer: "CUST-9", channel: "online"), context: .dock)
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/recalls", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"id":"RC-9","reason":"noise","criteria":{"components":["M-1","EVM-200/M-2"]}}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(response.text.contains(#""byPartition":{"in-stock":1,"installed":1,"sold":1}"#))
                #expect(!response.text.contains("CUST-9"), "an operator key does not see customers")
            }
            try await client.execute(
                uri: "/api/v1/recalls/RC-9", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""customer":"CUST-9""#))
            }
            try await client.execute(
                uri: "/api/v1/recalls/RC-9?format=csv", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.text.split(separator: "\r\n").count == 4)
            }
            try await client.execute(
                uri: "/api/v1/recalls", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"id":"RC-X","reason":"noise","criteria":{"lots":["EVM-200/NOPE"]}}"#)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/recalls", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"id":"RC-Y","reason":"noise","criteria":{"colour":["red"]}}"#)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/recalls/RC-9/close", method: .post, headers: fixture.headers(.operator),
                body: json(#"{}"#)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/recalls/RC-9/outcomes", method: .post, headers: fixture.headers(.support),
                body: json(#"{"units":["B-1"],"outcome":"customer-declined","note":"called twice"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""customer-declined":1"#))
            }
            try await client.execute(
                uri: "/api/v1/recalls/RC-9/close", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"force":true,"reason":"the rest are with the dealer"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""state":"closed""#))
            }
        }
        #expect(
            try await inventory.store.states(of: [UnitKey(sku: "EVM-200", serial: "M-2")]).first?.value.status
                == .quarantined)
    }
}
