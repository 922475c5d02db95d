import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("HTTP as clients expect it")
struct HTTPConformanceTests {
    @Test("a wrong method on a known path is 405 with Allow; an unknown path is a 404 problem")
    func methodNotAllowed() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/products", method: .delete, headers: fixture.headers(.admin)) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "GET, POST")
                #expect($0.isProblem)
            }
            try await client.execute(uri: "/api/v1/units/receive", method: .get, headers: fixture.headers(.admin)) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/api/v1/units/EVM-200/M-1", method: .post, headers: fixture.headers(.admin))
            {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/api/v1/nothing", method: .get, headers: fixture.headers(.admin)) {
                #expect($0.status == .notFound)
                #expect($0.isProblem)
            }
        }
    }

    @Test("a JSON route refuses another media type (415) and an object with a key twice (400)")
    func strictBodies() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            var form = fixture.headers(.operator)
            form[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: form,
                body: json(#"{"units":["M-1"],"location":"WH1-B"}"#)
            ) {
                #expect($0.status == .unsupportedMediaType)
                #expect((try? $0.decode(ProblemBody.self))?.type == "/problems/unsupported-media-type")
            }
            var charset = fixture.headers(.operator)
            charset[.contentType] = "application/json; charset=utf-8"
            for (body, path) in [
                (#"{"units":["M-1"],"location":"WH1-B","location":"SHOP"}"#, "location"),
                (#"{"events":[{"kind":"move","units":["M-1"],"location":"WH1-B","kind":"scrap"}]}"#, "events[0].kind"),
                (#"{"units":["M-1"],"loc\u0061tion":"WH1-B","location":"SHOP"}"#, "location"),
            ] {
                let uri = path.hasPrefix("events") ? "/api/v1/events" : "/api/v1/units/move"
                try await client.execute(uri: uri, method: .post, headers: charset, body: json(body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    let problem = try? response.decode(ProblemBody.self)
                    #expect(problem?.type == "/problems/duplicate-key")
                    #expect(problem?.title.contains("'\(path)'") == true, "\(problem?.title ?? "")")
                }
            }
            // A body that is not UTF-8 is refused, not repaired
            var bytes = ByteBuffer(string: #"{"units":["M-"#)
            bytes.writeBytes([0xFF])
            bytes.writeString(#"1"],"location":"WH1-B"}"#)
            try await client.execute(uri: "/api/v1/units/move", method: .post, headers: charset, body: bytes) {
                #expect($0.status == .badRequest, "\($0.text)")
                #expect($0.isProblem)
            }
            // Values that repeat in arrays, and keys repeated in different objects, are fine
            try await client.execute(
                uri: "/api/v1/events", method: .post, headers: charset,
                body: json(
                    #"{"events":[{"kind":"move","units":["M-1"],"location":"WH1-B"},{"kind":"move","units":["M-1"],"location":"WH1-A"}]}"#
                )
            ) { #expect($0.status == .ok, "\($0.text)") }
        }
        // The receipt of the fixture and the two moves of the last batch; nothing of the refused ones
        #expect(try await fixture.inventory.store.head().sequence == 3)
    }

    @Test("the Bearer scheme is case-insensitive; the OpenAPI document needs no key")
    func bearerAndOpenAPI() async throws {
        let fixture = try await ServerFixture.make()
        let token = try #require(fixture.tokens[.auditor])
        try await fixture.app().test(.router) { client in
            for scheme in ["bearer", "BEARER", "Bearer  "] {
                try await client.execute(
                    uri: "/api/v1/verify", method: .get, headers: [.authorization: "\(scheme) \(token)"]
                ) { #expect($0.status == .ok, "\(scheme)") }
            }
            try await client.execute(uri: "/api/v1/verify", method: .get, headers: [.authorization: "Basic \(token)"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) {
                #expect($0.status == .ok)
                #expect($0.text.hasPrefix("openapi: 3.1"))
            }
        }
    }

    @Test("+ in a query string is a space")
    func formEncodedQuery() async throws {
        let fixture = try await ServerFixture.make()
        _ = try await fixture.inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1", lines: [ReceiveLine(serial: "M-9")], attributes: ["color": "dark red"]),
            context: .dock)
        try await fixture.app().test(.router) { client in
            for query in ["attr=color%3Ddark+red", "attr=color=dark%20red"] {
                try await client.execute(
                    uri: "/api/v1/units?\(query)", method: .get, headers: fixture.headers(.support)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("EVM-200/M-9"), "\(query): \(response.text)")
                }
            }
            try await client.execute(
                uri: "/api/v1/units?attr=color%3Ddark%2Bred", method: .get, headers: fixture.headers(.support)
            ) { #expect(!$0.text.contains("EVM-200/M-9")) }
            // A parameter whose bytes are not UTF-8 is refused, not repaired
            try await client.execute(
                uri: "/api/v1/units/lookup?scan=M%FF9", method: .get, headers: fixture.headers(.support)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("not valid UTF-8"))
            }
        }
    }

    @Test("a retry whose JSON differs only in key order and white space is the same request")
    func canonicalRetry() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            let first = try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator, idempotencyKey: "k-1"),
                body: json(#"{"units":["M-1","M-2"],"location":"WH1-B"}"#))
            #expect(first.status == .ok)
            let retry = try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator, idempotencyKey: "k-1"),
                body: json("{ \"location\" : \"WH1-B\",\n  \"units\" : [ \"M-1\", \"M-2\" ] }"))
            #expect(retry.status == .ok, "\(retry.text)")
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(retry.text == first.text)
        }
        #expect(try await fixture.inventory.store.head().sequence == 2)
    }

    @Test("headers over the limit get a problem+json answer, over a real socket")
    func oversizedHeaders() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.live) { client in
            var headers = fixture.headers(.auditor)
            headers[HTTPField.Name("X-Padding")!] = String(repeating: "a", count: 100_000)
            let response = try await client.execute(uri: "/health", method: .get, headers: headers)
            #expect(response.status.code == 431)
            #expect(response.isProblem)
            #expect(try response.decode(ProblemBody.self).type == "/problems/headers-too-large")
        }
    }
}
