import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Containers over HTTP")
struct PackingAPITests {
    @Test("units are packed into a case and the case onto a pallet, shown recursively, moved by SSCC and unpacked")
    func packMoveUnpack() async throws {
        let fixture = try await ServerFixture.make()
        let box = "006141410000000012"
        let pallet = "006141410000000036"
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/containers/\(box)/pack", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["EVM-200/M-1","M-2"]}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(response.text.contains(#""location":"WH1-A-01""#))
                #expect(response.text.contains(#""units":["EVM-200/M-1","EVM-200/M-2"]"#))
            }
            try await client.execute(
                uri: "/api/v1/containers/\(pallet)/pack", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"containers":["(00)\#(box)"]}"#)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/api/v1/containers/\(pallet)", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""totalUnits":2"#))
                #expect(response.text.contains(#""sscc":"\#(box)""#))
            }
            // A packed unit moves only with its container.
            try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["M-1"],"location":"WH1-B"}"#)
            ) { response in
                #expect(response.status.code == 409)
                #expect(response.text.contains("packed in container \(box)"))
            }
            try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["\#(pallet)"],"location":"WH1-B"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""containers":["\#(pallet)","\#(box)"]"#))
            }
            try await client.execute(
                uri: "/api/v1/units/EVM-200/M-2", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.text.contains(#""location":"WH1-B""#))
                #expect(response.text.contains(#""container":"\#(box)""#))
            }
            try await client.execute(
                uri: "/api/v1/containers/\(pallet)/unpack", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"all":true}"#)
            ) { #expect($0.text.contains(#""containers":["\#(box)"]"#)) }
            try await client.execute(
                uri: "/api/v1/containers/\(box)/unpack", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["M-1"],"location":"WH1"}"#)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/containers/006141410000000043", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("unknown-container"))
            }
            try await client.execute(
                uri: "/api/v1/containers/\(box)/pack", method: .post, headers: fixture.headers(.auditor),
                body: json(#"{"units":["M-3"]}"#)
            ) { #expect($0.status == .forbidden) }
        }
        #expect(try await fixture.inventory.verify().ok)
    }
}
