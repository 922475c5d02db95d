import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("Stock over HTTP")
struct StockAPITests {
    @Test("quantities are received, moved and sold over the API with the same rules as the CLI")
    func quantities() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/stock/receive", method: .post, headers: fixture.headers(.operator, idempotencyKey: "r-1"),
                body: json(
                    #"{"lines":[{"product":"YOG-1","lot":"L-1","quantity":"12.5","expiry":"2026-11-20"},{"product":"YOG-1","lot":"L-2","quantity":"4","madeOn":"2026-11-20"}],"location":"WH1-A-01"}"#
                )
            ) { response in
                #expect(response.status == .ok)
                let text = response.text
                #expect(text.contains(#""lotsDefined""#))
                #expect(text.contains(#""expiry":"2026-12-11""#))
            }
            // The same request again is answered from the ledger, and records nothing twice.
            try await client.execute(
                uri: "/api/v1/stock/receive", method: .post, headers: fixture.headers(.operator, idempotencyKey: "r-1"),
                body: json(
                    #"{"lines":[{"product":"YOG-1","lot":"L-1","quantity":"12.5","expiry":"2026-11-20"},{"product":"YOG-1","lot":"L-2","quantity":"4","madeOn":"2026-11-20"}],"location":"WH1-A-01"}"#
                )
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            }
            try await client.execute(
                uri: "/api/v1/stock/levels?product=YOG-1", method: .get, headers: fixture.headers(.auditor)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""quantity":"12.5""#))
                #expect(response.text.contains(#""quantity":"4""#))
            }
            // An expired lot cannot be sold: the refusal names the lot and its expiry.
            try await client.execute(
                uri: "/api/v1/stock/sell", method: .post, headers: fixture.headers(.sales),
                body: json(
                    #"{"lines":[{"product":"YOG-1","lot":"L-1","quantity":"1"}],"from":"WH1-A-01","channel":"online"}"#)
            ) { response in
                #expect(response.status == .conflict)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.lines?.map(\.code) == ["expired"])
                #expect(problem.lines?.first?.message.contains("lot L-1 of YOG-1 expired on 2026-11-20") == true)
            }
            try await client.execute(
                uri: "/api/v1/pick", method: .post, headers: fixture.headers(.sales),
                body: json(#"{"lines":[{"product":"YOG-1","quantity":"3"}]}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""lot":"L-2""#))
                #expect(!response.text.contains(#""lot":"L-1""#))
            }
            try await client.execute(
                uri: "/api/v1/stock/move", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"lines":[{"product":"YOG-1","lot":"L-2","quantity":"5"}],"from":"WH1-A-01","to":"WH1-B"}"#)
            ) { response in
                #expect(response.status == .conflict)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.lines?.map(\.code) == ["insufficient-stock"])
            }
            try await client.execute(
                uri: "/api/v1/stock/move", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"lines":[{"product":"YOG-1","lot":"L-2","quantity":"1","colour":"red"}],"from":"WH1-A-01","to":"WH1-B"}"#
                )
            ) { response in
                #expect(response.status.code == 422)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.title == "unknown field 'colour' in lines[0]")
            }
            try await client.execute(
                uri: "/api/v1/stock/adjust", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"product":"YOG-1","lot":"L-2","location":"WH1-A-01","to":"3.5","reason":"count"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""event":"lost""#))
            }
            try await client.execute(
                uri: "/api/v1/stock/receive", method: .post, headers: fixture.headers(.sales),
                body: json(#"{"lines":[{"product":"SCREW-4","quantity":"1"}],"location":"WH1-A-01"}"#)
            ) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(try await fixture.inventory.verify().ok)
    }

    @Test("reorder rules, reorder suggestions, sales, expiring and lots are read over the API")
    func reads() async throws {
        let fixture = try await ServerFixture.make()
        _ = try await fixture.inventory.receiveStock(
            [StockLineRequest(sku: "SCREW-4", quantity: "30")], at: "SHOP", context: .dock)
        _ = try await fixture.inventory.receiveStock(
            [
                StockLineRequest(
                    sku: "YOG-1", lot: "L-9", quantity: "2",
                    details: LotDetails(madeOn: try CalendarDay(parsing: "2026-11-20")))
            ],
            at: "SHOP", context: .dock)
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/reorder/rules", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"product":"SCREW-4","location":"SHOP","point":"40","quantity":"100"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/reorder?due=true", method: .get, headers: fixture.headers(.auditor))
            {
                #expect($0.status == .ok)
                #expect($0.text.contains(#""order":"100""#))
            }
            try await client.execute(
                uri: "/api/v1/expiring?within=30", method: .get, headers: fixture.headers(.support)
            ) {
                #expect($0.status == .ok)
                #expect($0.text.contains(#""lot":"L-9""#))
            }
            try await client.execute(
                uri: "/api/v1/products/YOG-1/lots/L-9", method: .get, headers: fixture.headers(.support)
            ) {
                #expect($0.status == .ok)
                #expect($0.text.contains(#""expiry":"2026-12-11""#))
            }
            try await client.execute(
                uri: "/api/v1/products/YOG-1/lots/NOPE", method: .get, headers: fixture.headers(.support)
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/sales?since=2026-11-01&until=2026-11-30", method: .get, headers: fixture.headers(.auditor)
            ) { #expect($0.status == .ok) }
        }
    }

    @Test("a hold is made, honoured by sales, listed, and released over the API")
    func holds() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            var id = ""
            try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: fixture.headers(.sales),
                body: json(#"{"unit":"EVM-200/M-1","customer":"C-7","until":"2026-11-28T18:00:00+01:00"}"#)
            ) { response in
                #expect(response.status == .created)
                struct Created: Decodable { var id: String }
                id = try response.decode(Created.self).id
            }
            try await client.execute(
                uri: "/api/v1/units/sell", method: .post, headers: fixture.headers(.sales),
                body: json(#"{"units":["EVM-200/M-1"],"channel":"online","customer":"C-8"}"#)
            ) { response in
                #expect(response.status == .conflict)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.lines?.map(\.code) == ["held"])
            }
            try await client.execute(
                uri: "/api/v1/availability?product=EVM-200", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""held":"1""#))
            }
            try await client.execute(uri: "/api/v1/holds", method: .get, headers: fixture.headers(.auditor)) {
                #expect($0.text.contains(id))
            }
            try await client.execute(uri: "/api/v1/holds/\(id)", method: .delete, headers: fixture.headers(.sales)) {
                #expect($0.status == .ok)
                #expect($0.text.contains(#""outcome":"released""#))
            }
            try await client.execute(uri: "/api/v1/holds/\(id)", method: .delete, headers: fixture.headers(.sales)) {
                #expect($0.status == .notFound)
            }
        }
    }
}
