import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Inspections and the shared cause of defects over HTTP")
struct QualityAPITests {
    @Test("an inspection is recorded and quarantines; bad ones are 422 and write nothing; causes and timeline answer")
    func inspectAndAnalyse() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/units/receive", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"product":"EVM-200","location":"WH1-A-01","units":["Q-1","Q-2","Q-3"],"lot":"QL-1"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/units/receive", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"product":"EVM-200","location":"WH1-A-01","units":["Q-4","Q-5","Q-6"],"lot":"QL-2"}"#)
            ) { #expect($0.status == .ok) }
            let head = try await fixture.inventory.store.head()
            for body in [
                #"{"units":["Q-1"],"procedure":"EOL","result":"pass","measurements":["noise=50dB@..45"]}"#,
                #"{"units":["Q-1"],"procedure":"EOL","result":"maybe"}"#,
                #"{"units":["Q-1"],"procedure":"EOL","result":"fail","measurements":["noise"]}"#,
                #"{"units":["Q-1"],"procedure":"EOL","result":"fail","colour":"red"}"#,
            ] {
                try await client.execute(
                    uri: "/api/v1/inspections", method: .post, headers: fixture.headers(.operator), body: json(body)
                ) { response in
                    #expect(response.status.code == 422, "\(body): \(response.text)")
                }
            }
            #expect(try await fixture.inventory.store.head() == head, "nothing written")
            try await client.execute(
                uri: "/api/v1/inspections", method: .post, headers: fixture.headers(.support),
                body: json(#"{"units":["Q-1"],"procedure":"EOL","result":"fail"}"#)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/api/v1/inspections", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"units":["Q-1","Q-2","Q-3"],"procedure":"EOL","result":"fail","measurements":["noise=48dB@..45"],"defect":"bearing noise","certificate":"TR-9","quarantine":true}"#
                )
            ) { response in
                #expect(response.status == .created, "\(response.text)")
                #expect(response.text.contains(#""quarantined":["EVM-200/Q-1","EVM-200/Q-2","EVM-200/Q-3"]"#))
            }
            try await client.execute(
                uri: "/api/v1/units/EVM-200/Q-2", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.text.contains(#""inspections":[{"#) && response.text.contains(#""certificate:TR-9""#))
            }
            try await client.execute(
                uri: "/api/v1/quality/causes?failed=inspections&procedure=EOL", method: .get,
                headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""failed":3"#) && response.text.contains(#""value":"EVM-200/QL-1""#))
                #expect(response.text.contains(#""pValue":0.0119"#), "1 / C(9,3): \(response.text)")
            }
            try await client.execute(
                uri: "/api/v1/quality/causes?failed=inspections&units=Q-1", method: .get,
                headers: fixture.headers(.auditor)
            ) { #expect($0.status.code == 422) }
            try await client.execute(
                uri: "/api/v1/quality/timeline?unit=Q-2", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""phase":"factory""#))
                #expect(response.text.contains(#""flagged":["EVM-200/Q-1","EVM-200/Q-3"]"#), "\(response.text)")
            }
        }
    }
}

@Suite("Productions over HTTP")
struct ProductionAPITests {
    @Test("a production is 201 with its units; an unknown input lot or too little stock is refused and writes nothing")
    func produce() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/stock/receive", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"location":"WH1-A-01","lines":[{"product":"YOG-1","lot":"L-9","quantity":"20"}]}"#)
            ) { #expect($0.status == .ok, "\($0.text)") }
            let head = try await fixture.inventory.store.head()
            for (body, status) in [
                (
                    #"{"product":"EVM-200","location":"WH1-A-01","lot":"P-1","serials":["P-1"],"inputs":["YOG-1/L-9=500"]}"#,
                    409
                ),
                (
                    #"{"product":"EVM-200","location":"WH1-A-01","lot":"P-1","serials":["P-1"],"inputs":["YOG-1/L-9"]}"#,
                    422
                ),
                (#"{"product":"EVM-200","location":"WH1-A-01","lot":"P-1","serials":["P-1"],"inputs":[]}"#, 422),
            ] {
                try await client.execute(
                    uri: "/api/v1/productions", method: .post, headers: fixture.headers(.operator), body: json(body)
                ) { response in
                    #expect(response.status.code == status, "\(body): \(response.text)")
                }
            }
            #expect(try await fixture.inventory.store.head() == head)
            try await client.execute(
                uri: "/api/v1/productions", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"product":"EVM-200","location":"WH1-A-01","lot":"P-1","serials":["P-1","P-2"],"inputs":["YOG-1/L-9=2.5"]}"#
                )
            ) { response in
                #expect(response.status == .created, "\(response.text)")
                #expect(response.text.contains(#""units":["EVM-200/P-1","EVM-200/P-2"]"#))
            }
            try await client.execute(
                uri: "/api/v1/trace/up?product=YOG-1&lot=L-9", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.text.contains(#""madeInto":[{"#) && response.text.contains(#""lot":"P-1""#))
            }
        }
    }
}
