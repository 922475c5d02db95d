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
                        #""finished":[{"location":"WH1-A-01","status":"in-stock","unit":"BP-75/B-1"}]"#))
            }
            try await client.execute(
                uri: "/api/v1/trace/up?product=EVM-200&lot=NOPE", method: .get, headers: fixture.headers(.support)
            ) { #expect($0.status == .notFound) }
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
