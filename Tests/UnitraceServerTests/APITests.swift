import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import UnitraceCore
import UnitraceSQLite
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("API behaviour")
struct APITests {
    @Test("a rejected batch is 409 with every bad line, and records nothing")
    func rejectedBatch() async throws {
        let fixture = try await ServerFixture.make()
        let before = try await fixture.inventory.store.head()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/units/ship", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["M-1","NOPE","M-1"],"location":"SHOP"}"#)
            ) { response in
                #expect(response.status == .conflict)
                #expect(response.isProblem)
                let problem = try response.decode(ProblemBody.self)
                #expect(problem.lines?.map(\.line) == [2])
                #expect(problem.lines?.map(\.code) == ["unknown-unit"])
                #expect(problem.type == "/problems/unknown-unit")
            }
        }
        #expect(try await fixture.inventory.store.head() == before)
    }

    @Test("404 for unknown units, 422 for malformed identifiers and fields, 400 for bad JSON, 413 for big bodies")
    func statusCodes() async throws {
        let fixture = try await ServerFixture.make()
        let config = ServerConfiguration(port: 0, maxBodySize: 4096, maxBatchUnits: 10)
        try await fixture.app(config).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/units/EVM-200/NOPE", method: .get, headers: fixture.headers(.support)
            ) {
                #expect($0.status == .notFound)
                #expect((try? $0.decode(ProblemBody.self))?.type == "/problems/unknown-unit")
            }
            try await client.execute(
                uri: "/api/v1/units/lookup?scan=(01)09506000134353(21)X", method: .get,
                headers: fixture.headers(.support)
            ) {
                #expect($0.status.code == 422)
                #expect((try? $0.decode(ProblemBody.self))?.title == "AI (01): GTIN check digit is 3, expected 2")
            }
            let bad: [(String, Int, String)] = [
                (#"{"units":["M-1"],"location":"#, 400, "/problems/malformed-request"),
                ("", 400, "/problems/malformed-request"),
                (#"[1,2]"#, 400, "/problems/malformed-request"),
                (#"{"units":"M-1","location":"WH1-B"}"#, 400, "/problems/malformed-request"),
                (#"{"units":["M-1"],"location":"WH1-B","colour":"red"}"#, 422, "/problems/unknown-field"),
                (#"{"units":[],"location":"WH1-B"}"#, 422, "/problems/nothing-to-do"),
                (#"{"units":["M-1"],"location":"WH1-B","occurredAt":"yesterday"}"#, 422, "/problems/invalid-field"),
                (
                    #"{"units":["M-1","M-2","M-3","M-4","M-5","M-6","M-7","M-8","M-9","M-10","M-11"],"location":"WH1-B"}"#,
                    413, "/problems/batch-too-large"
                ),
                (
                    #"{"units":["\#(String(repeating: "x", count: 5000))"],"location":"WH1-B"}"#, 413,
                    "/problems/too-large"
                ),
            ]
            for (body, status, type) in bad {
                try await client.execute(
                    uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator), body: json(body)
                ) {
                    response in
                    #expect(Int(response.status.code) == status, "\(body.prefix(60)): \(response.text)")
                    #expect(response.isProblem)
                    #expect((try? response.decode(ProblemBody.self).type) == type, "\(response.text)")
                }
            }
            var invalidUTF8 = ByteBuffer(string: #"{"units":[""#)
            invalidUTF8.writeBytes([0xFF, 0xFE])
            invalidUTF8.writeString(#""],"location":"WH1-B"}"#)
            try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator), body: invalidUTF8
            ) {
                #expect($0.status == .badRequest)
            }
        }
        #expect(try await fixture.inventory.store.head().sequence == 1)
    }

    @Test("a retried request with the same Idempotency-Key gets the first answer and records once")
    func idempotentRetry() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            let body = #"{"units":["M-1","M-2"],"location":"WH1-B"}"#
            let first = try await client.execute(
                uri: "/api/v1/units/move", method: .post,
                headers: fixture.headers(.operator, idempotencyKey: "scan-42"), body: json(body)
            ) { response in
                #expect(response.status == .ok)
                return response.text
            }
            try await client.execute(
                uri: "/api/v1/units/move", method: .post,
                headers: fixture.headers(.operator, idempotencyKey: "scan-42"), body: json(body)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                #expect(response.text == first)
            }
            try await client.execute(
                uri: "/api/v1/units/move", method: .post,
                headers: fixture.headers(.operator, idempotencyKey: "scan-42"),
                body: json(#"{"units":["M-3"],"location":"WH1-B"}"#)
            ) { response in
                #expect(response.status.code == 422)
                #expect((try? response.decode(ProblemBody.self))?.type == "/problems/idempotency-key-reused")
            }
            // Catalogue writes are remembered too.
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/api/v1/products", method: .post, headers: fixture.headers(.admin, idempotencyKey: "p-1"),
                    body: json(#"{"sku":"NEW-1","name":"New"}"#)
                ) { #expect($0.status == .created) }
            }
        }
        #expect(try await fixture.inventory.store.head().sequence == 2)
        #expect(try await fixture.inventory.verify().ok)
    }

    @Test("lists page with a cursor that stays stable while units are added")
    func paging() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            struct Page: Decodable {
                struct Unit: Decodable { var unit: String }
                var items: [Unit]
                var next: String?
            }
            let first = try await client.execute(
                uri: "/api/v1/units?product=EVM-200&limit=2", method: .get, headers: fixture.headers(.auditor)
            ) {
                try $0.decode(Page.self)
            }
            #expect(first.items.map(\.unit) == ["EVM-200/M-1", "EVM-200/M-2"])
            #expect(first.next == "EVM-200/M-2")
            try await Warehouse.receiveMotors(fixture.inventory, ["M-0"])
            let second = try await client.execute(
                uri: "/api/v1/units?product=EVM-200&limit=2&after=\(first.next!)", method: .get,
                headers: fixture.headers(.auditor)
            ) { try $0.decode(Page.self) }
            #expect(second.items.map(\.unit) == ["EVM-200/M-3"])
            #expect(second.next == nil)
        }
    }

    @Test("capture records several events in one transaction, or none")
    func capture() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/events", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"events":[{"kind":"move","units":["M-1"],"location":"WH1-B"},{"kind":"quarantine","units":["M-1"],"reason":"dent"},{"kind":"sell","units":["M-1"],"channel":"online"}]}"#
                )
            ) { response in
                #expect(response.status.code == 409)
                #expect((try? response.decode(ProblemBody.self))?.lines?.map(\.line) == [3])
            }
            #expect(try await fixture.inventory.store.head().sequence == 1)
            try await client.execute(
                uri: "/api/v1/events", method: .post, headers: fixture.headers(.operator),
                body: json(
                    #"{"events":[{"kind":"move","units":["M-1"],"location":"WH1-B"},{"kind":"quarantine","units":["M-1"],"reason":"dent"}]}"#
                )
            ) { #expect($0.status == .ok) }
        }
        #expect(try await fixture.inventory.passport("M-1").state.status == .quarantined)
        #expect(try await fixture.inventory.store.head().sequence == 3)
    }

    @Test("health, metrics and request ids")
    func operations() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text == #"{"events":1,"status":"ok"}"#)
                #expect(response.headers[HTTPField.Name("X-Request-ID")!]?.isEmpty == false)
            }
            try await client.execute(
                uri: "/api/v1/units/move", method: .post, headers: fixture.headers(.operator),
                body: json(#"{"units":["M-1"],"location":"WH1-B"}"#)
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.auditor)) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("unitrace_events_captured_total 1"))
                #expect(response.text.contains(#"unitrace_http_requests_total{method="POST",status="200"} 1"#))
                #expect(response.text.contains("unitrace_webhook_backlog 0"))
            }
        }
    }

    @Test("over a real socket")
    func live() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app().test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/units/sell", method: .post, headers: fixture.headers(.sales),
                body: json(#"{"units":["M-1"],"channel":"online","customer":"C-1","price":"10.00","currency":"EUR"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""units":["EVM-200/M-1"]"#))
            }
        }
        #expect(try await fixture.inventory.passport("M-1").state.owner == "C-1")
    }
}

/// Bodies a loopback receiver was sent.
final class Inbox: Sendable {
    let received = Mutex<[(body: String, signature: String?)]>([])
}

@Suite("Webhooks")
struct WebhookTests {
    @Test("an event is delivered, signed, to a real receiver on loopback; a dead receiver is retried later")
    func delivery() async throws {
        let fixture = try await ServerFixture.make()
        let inbox = Inbox()
        let receiver = Router()
        receiver.post("/hook") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let signature = request.headers[HTTPField.Name("X-Unitrace-Signature")!]
            inbox.received.withLock { $0.append((String(buffer: body), signature)) }
            return .ok
        }
        try await Application(router: receiver, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(
            .live
        ) { client in
            let port = try #require(client.port)
            let live = try await fixture.inventory.subscribe(
                url: "http://127.0.0.1:\(port)/hook", kinds: [.move], skus: [])
            let dead = try await fixture.inventory.subscribe(
                url: "http://127.0.0.1:9/hook", kinds: [], skus: ["EVM-200"])
            _ = try await fixture.inventory.move(["M-1"], to: "WH1-B", context: .dock)
            _ = try await fixture.inventory.quarantine(["M-2"], context: .at("2026-11-27T12:00:00Z", reason: "dent"))
            #expect(try await fixture.inventory.store.outboxBacklog() == 3)

            let dispatcher = WebhookDispatcher(inventory: fixture.inventory, send: WebhookSender.send)
            #expect(try await dispatcher.deliverDue() == 3)

            let received = inbox.received.withLock { $0 }
            #expect(received.count == 1)
            let body = try #require(received.first?.body)
            #expect(body.contains(#""kind":"move""#))
            #expect(body.contains(#""sequence":2"#))
            #expect(
                received.first?.signature == WebhookSubscription.signature(of: Data(body.utf8), secret: live.secret))

            let log = try await fixture.inventory.store.deliveries(subscription: live.id, after: nil, limit: 10)
            #expect(log.map(\.delivered) == [true])
            #expect(log.first?.status == 200)
            let failures = try await fixture.inventory.store.deliveries(subscription: dead.id, after: nil, limit: 10)
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { !$0.delivered && $0.error != nil })
            // The dead receiver's two events wait in the outbox and are tried again, as attempt 2.
            #expect(try await fixture.inventory.store.outboxBacklog() == 2)
            _ = try await dispatcher.deliverDue()
            let retried = try await fixture.inventory.store.deliveries(subscription: dead.id, after: nil, limit: 10)
            #expect(retried.map(\.attempt).sorted() == [1, 1, 2, 2])
            #expect(inbox.received.withLock { $0.count } == 1)
        }
    }

    @Test("no outbox entry is written for a rejected batch")
    func rejectedBatchSendsNothing() async throws {
        let fixture = try await ServerFixture.make()
        _ = try await fixture.inventory.subscribe(url: "http://127.0.0.1:9/hook", kinds: [], skus: [])
        await #expect(throws: BatchRejected.self) {
            try await fixture.inventory.move(["M-1", "NOPE"], to: "WH1-B", context: .dock)
        }
        #expect(try await fixture.inventory.store.outboxBacklog() == 0)
    }

    @Test("retries wait longer each time")
    func backoff() {
        #expect(WebhookDispatcher.backoff(afterAttempt: 1) == 1000)
        #expect(WebhookDispatcher.backoff(afterAttempt: 4) == 8000)
        #expect(WebhookDispatcher.backoff(afterAttempt: 30) == 3_600_000)
    }
}

@Suite("Import and identifiers over HTTP")
struct ImportAndIdentifierTests {
    @Test("an export imported over HTTP gives the same ledger; a scan is parsed as the CLI does")
    func importAndParse() async throws {
        let source = try await ServerFixture.make()
        var collected: [String] = []
        _ = try await source.inventory.export { collected.append($0) }
        let file = collected.joined(separator: "\n")
        let target = try await ServerFixture.make()
        // The target was built the same way, with the same event ids: its receipt is recognised and skipped.
        try await target.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/import", method: .post, headers: target.headers(.admin), body: json(file)
            ) { response in
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.text.contains(#""skipped":1"#))
            }
            try await client.execute(
                uri: "/api/v1/identifiers/parse?text=%2801%2909506000134352%2817%29271231%2821%29X", method: .get,
                headers: target.headers(.support)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#""expiry":"2027-12-31""#))
            }
        }
        let fresh = ServerFixture(inventory: Inventory(store: try await TestStores.make()), tokens: [:])
        let (_, token) = try await fresh.inventory.createKey(name: "admin", role: .admin)
        try await fresh.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/import", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: json(file)
            ) { response in
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.text.contains(#""events":1"#))
            }
        }
        #expect(try await fresh.inventory.store.head() == source.inventory.store.head())
    }
}
