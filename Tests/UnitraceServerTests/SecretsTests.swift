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

@Suite("Secrets at rest")
struct SecretsTests {
    struct Created: Decodable {
        var id: String
        var token: String?
        var secret: String?
    }

    /// Every byte of the store file and its write-ahead log.
    static func storeBytes(_ directory: URL) throws -> Data {
        var bytes = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            bytes.append(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return bytes
    }

    @Test("key tokens and webhook secrets are in no table, file or WAL; a retry does not hand them out again")
    func nothingInClear() async throws {
        try await withTemporaryDirectory { directory in
            // Given a store file and a server over it
            let store = try SQLiteStore.create(path: directory.appendingPathComponent("store.sqlite").path)
            let inventory = try await Warehouse.make(on: store)
            let (_, adminToken) = try await inventory.createKey(name: "admin", role: .admin)
            let made = Mutex([String(adminToken.split(separator: "_")[2])])
            let fixture = ServerFixture(inventory: inventory, tokens: [.admin: adminToken])
            try await fixture.app().test(.router) { client in
                // When keys and webhooks are made through the API, with and without retries
                for retry in [false, true] {
                    for (uri, body) in [
                        ("/api/v1/keys", #"{"name":"dock 3","role":"operator"}"#),
                        ("/api/v1/webhooks", #"{"url":"https://erp.example.com/hook"}"#),
                    ] {
                        let key = retry ? "retry-\(uri)" : nil
                        let first = try await client.execute(
                            uri: uri, method: .post, headers: fixture.headers(.admin, idempotencyKey: key),
                            body: json(body))
                        #expect(first.status == .created, "\(first.text)")
                        let created = try first.decode(Created.self)
                        let secret = try #require(
                            created.token.map { String($0.split(separator: "_")[2]) } ?? created.secret)
                        made.withLock { $0.append(secret) }
                        if retry {
                            // Then the retry says what was made, and never the secret
                            let again = try await client.execute(
                                uri: uri, method: .post, headers: fixture.headers(.admin, idempotencyKey: key),
                                body: json(body))
                            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                            let replayed = try again.decode(Created.self)
                            #expect(replayed.id == created.id)
                            #expect(replayed.token == nil && replayed.secret == nil, "\(again.text)")
                            #expect(!again.text.contains(secret))
                        }
                    }
                }
            }
            // Then no secret is anywhere in the file or its WAL
            let bytes = try Self.storeBytes(directory)
            let secrets = made.withLock { $0 }
            #expect(secrets.count == 5)
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "secret \(secret.prefix(6))… found in the store")
            }
            // And the stored webhook secrets are sealed, and open with the key
            let stored = try await store.subscriptions(after: nil, limit: 10)
            #expect(stored.count == 2)
            #expect(stored.allSatisfy { SealingKey.isSealed($0.secret) })
            #expect(try await inventory.prepareSecrets() == 0)
        }
    }

    @Test("without the secret key a webhook cannot be added, and a server over sealed secrets does not start")
    func missingKey() async throws {
        let store = try await TestStores.make()
        let sealed = try await Warehouse.make(on: store)
        _ = try await sealed.subscribe(url: "https://erp.example.com/hook", kinds: [], skus: [])
        let keyless = Inventory(store: store, settings: InventorySettings(sealingKey: nil))
        await #expect {
            try await keyless.subscribe(url: "https://erp.example.com/other", kinds: [], skus: [])
        } throws: { error in
            (error as? InputError)?.code == .secretKeyMissing
        }
        await #expect {
            try await keyless.prepareSecrets()
        } throws: { error in
            (error as? InputError)?.message.contains("UNITRACE_SECRET_KEY_FILE") == true
        }
        let wrong = Inventory(store: store, settings: InventorySettings(sealingKey: SealingKey.generate().key))
        await #expect {
            try await wrong.prepareSecrets()
        } throws: { error in
            (error as? InputError)?.message.contains("sealed with secret key \(SealingKey.testing.id)") == true
        }
    }

    @Test("a secret an earlier release kept in clear is sealed when the server starts, and still signs")
    func sealsOldSecrets() async throws {
        let store = try await TestStores.make()
        let inventory = try await Warehouse.make(on: store)
        try await store.insertSubscription(
            WebhookSubscription(
                id: "wh_old", url: "http://127.0.0.1:9/hook", secret: "clear-secret", kinds: [], skus: [],
                createdAt: inventory.environment.now()))
        #expect(try await inventory.prepareSecrets() == 1)
        let stored = try #require(try await store.subscriptions(after: nil, limit: 10).first)
        #expect(SealingKey.isSealed(stored.secret) && !stored.secret.contains("clear-secret"))
        #expect(try SealingKey.testing.open(stored.secret, context: "webhook:wh_old") == "clear-secret")
    }
}

@Suite("Webhook egress")
struct WebhookEgressTests {
    @Test(
        "receivers on private networks are refused at subscription, in every spelling",
        arguments: [
            "http://127.0.0.1:8080/api/v1/keys", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/",
            "http://127.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.0.0.8/", "http://172.16.4.4/",
            "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/",
            "http://[fd00::1]/", "http://localhost:8080/", "http://ERP.LOCALHOST/", "http://0.0.0.0/",
            "http://100.64.1.1/",
        ])
    func refusedAtSubscription(_ url: String) async throws {
        let inventory = try await Warehouse.make(
            on: try await TestStores.make(), settings: InventorySettings(sealingKey: .testing))
        await #expect {
            try await inventory.subscribe(url: url, kinds: [], skus: [])
        } throws: { error in
            (error as? InputError)?.code == .webhookAddressRefused
        }
        #expect(try await inventory.store.subscriptions(after: nil, limit: 10).isEmpty)
    }

    @Test("public receivers are accepted, and private ones with the server setting")
    func accepted() async throws {
        let strict = try await Warehouse.make(
            on: try await TestStores.make(), settings: InventorySettings(sealingKey: .testing))
        _ = try await strict.subscribe(url: "https://93.184.216.34/hook", kinds: [], skus: [])
        _ = try await strict.subscribe(url: "https://erp.example.com/hook", kinds: [], skus: [])
        let open = try await Warehouse.make(on: try await TestStores.make())
        _ = try await open.subscribe(url: "http://127.0.0.1:9/hook", kinds: [], skus: [])
        await #expect(throws: InputError.self) {
            try await strict.subscribe(url: "ftp://erp.example.com/hook", kinds: [], skus: [])
        }
        await #expect(throws: InputError.self) {
            try await strict.subscribe(url: "https://user:pw@erp.example.com/hook", kinds: [], skus: [])
        }
    }

    @Test("a name that resolves to a private address at delivery time is not sent to")
    func rebinding() async throws {
        let resolved = Mutex<[IPAddress]>([IPAddress(literal: "93.184.216.34")!])
        var environment = Environment.fixed()
        environment.resolve = { _ in resolved.withLock { $0 } }
        let inventory = try await Warehouse.make(
            on: try await TestStores.make(), environment: environment, settings: InventorySettings(sealingKey: .testing)
        )
        try await Warehouse.receiveMotors(inventory, ["M-1"])
        let subscription = try await inventory.subscribe(url: "https://erp.example.com/hook", kinds: [], skus: [])
        _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        // The name now points at this machine
        resolved.withLock { $0 = [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "127.0.0.1")!] }
        let sent = Mutex(0)
        let dispatcher = WebhookDispatcher(inventory: inventory) { _ in
            sent.withLock { $0 += 1 }
            return (200, nil)
        }
        #expect(try await dispatcher.deliverDue() == 1)
        #expect(sent.withLock { $0 } == 0)
        let log = try await inventory.store.deliveries(subscription: subscription.id, after: nil, limit: 10)
        #expect(log.count == 1 && log[0].delivered == false)
        #expect(log[0].error?.contains("127.0.0.1, a loopback address") == true, "\(log)")
        // And once it points at a public address again, the delivery goes to that address
        resolved.withLock { $0 = [IPAddress(literal: "93.184.216.34")!] }
        let target = Mutex<IPAddress?>(nil)
        let retry = WebhookDispatcher(inventory: inventory) { request in
            target.withLock { $0 = request.address }
            return (204, nil)
        }
        // (the fixed clock moves a second a reading: the retry is due after a reading or two)
        for _ in 0..<5 where target.withLock({ $0 }) == nil { _ = try await retry.deliverDue() }
        #expect(target.withLock { $0 } == IPAddress(literal: "93.184.216.34"))
    }

    @Test("redirects are not followed, and a failing receiver is logged by its status, never its body")
    func redirectsAndBodies() async throws {
        let fixture = try await ServerFixture.make()
        let hits = Mutex<[String]>([])
        let receiver = Router()
        receiver.post("/redirect") { _, _ -> Response in
            hits.withLock { $0.append("redirect") }
            return Response(status: .temporaryRedirect, headers: [.location: "/target"])
        }
        receiver.post("/target") { _, _ -> HTTPResponse.Status in
            hits.withLock { $0.append("target") }
            return .ok
        }
        receiver.post("/broken") { _, _ -> Response in
            hits.withLock { $0.append("broken") }
            return Response(
                status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "INTERNAL DETAIL 42")))
        }
        try await Application(router: receiver, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(
            .live
        ) { client in
            let port = try #require(client.port)
            let redirect = try await fixture.inventory.subscribe(
                url: "http://127.0.0.1:\(port)/redirect", kinds: [.move], skus: [])
            let broken = try await fixture.inventory.subscribe(
                url: "http://127.0.0.1:\(port)/broken", kinds: [.move], skus: [])
            _ = try await fixture.inventory.move(["M-1"], to: "WH1-B", context: .dock)
            _ = try await WebhookDispatcher(inventory: fixture.inventory, send: WebhookSender.send).deliverDue()
            #expect(hits.withLock { $0.sorted() } == ["broken", "redirect"])
            let redirected = try await fixture.inventory.store.deliveries(
                subscription: redirect.id, after: nil, limit: 10)
            #expect(redirected.map(\.status) == [307])
            #expect(redirected.map(\.delivered) == [false])
            let failed = try await fixture.inventory.store.deliveries(subscription: broken.id, after: nil, limit: 10)
            #expect(failed.map(\.error) == ["receiver answered 500"])
        }
    }
}
