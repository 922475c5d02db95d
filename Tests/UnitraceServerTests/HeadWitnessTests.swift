import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import UnitraceCore
import UnitraceServer
import UnitraceTestSupport

@testable import UnitraceInventory

@Suite("The head published to a witness")
struct HeadWitnessTests {
    @Test("a subscription with headEvery receives the signed head on schedule, and that head verifies")
    func publishedHead() async throws {
        // Given a clock the test moves, and a receiver that keeps what it gets
        let clock = Mutex<Int64>(1_795_000_000_000)
        var environment = Environment.fixed()
        environment.now = { Timestamp(millisecondsSince1970: clock.withLock { $0 }) }
        let inventory = try await Warehouse.make(on: try await TestStores.make(), environment: environment)
        try await Warehouse.receiveMotors(inventory, ["M-1", "M-2"])
        let received = Mutex<[(body: String, signature: String?, head: String?)]>([])
        let receiver = Router()
        receiver.post("/witness") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 16)
            received.withLock {
                $0.append(
                    (
                        String(buffer: body), request.headers[HTTPField.Name("X-Unitrace-Signature")!],
                        request.headers[HTTPField.Name("X-Unitrace-Head")!]
                    ))
            }
            return .noContent
        }
        try await Application(router: receiver, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(
            .live
        ) { client in
            let port = try #require(client.port)
            let witness = try await inventory.subscribe(
                url: "http://127.0.0.1:\(port)/witness", kinds: [.scrap], skus: [], headEvery: 3600)
            let dispatcher = WebhookDispatcher(inventory: inventory, send: WebhookSender.send)
            // When the service runs: at once, then not again within the hour, then again after it
            var sent = try await dispatcher.publishHeads(lastSent: [:])
            clock.withLock { $0 += 60_000 }
            _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
            sent = try await dispatcher.publishHeads(lastSent: sent)
            #expect(received.withLock { $0.count } == 1)
            clock.withLock { $0 += 3_600_000 }
            sent = try await dispatcher.publishHeads(lastSent: sent)

            // Then the witness holds two signed heads, the newer one after the move
            let heads = received.withLock { $0 }
            #expect(heads.count == 2)
            let last = try #require(heads.last)
            #expect(last.signature == WebhookSubscription.signature(of: Data(last.body.utf8), secret: witness.secret))
            let claim = try HeadClaim(parsing: try #require(last.head))
            #expect(claim.sequence == 2)
            #expect(last.body.contains(#""type":"ledger-head""#) && last.body.contains(claim.hash.hex))
            #expect(try await inventory.verify(witnessed: claim).ok)
            let log = try await inventory.store.deliveries(subscription: witness.id, after: nil, limit: 10)
            #expect(log.map(\.sequence) == [1, 2])
            #expect(log.allSatisfy { $0.delivered })
        }
        await #expect(throws: InputError.self) {
            try await inventory.subscribe(url: "http://127.0.0.1:9/w", kinds: [], skus: [], headEvery: 5)
        }
    }
}
