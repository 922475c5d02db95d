import Foundation
import UnitraceCore

extension Inventory {
    /// Creates an API key. The token is returned once; only the SHA-256 of its secret is stored.
    public func createKey(name: String, role: Role) async throws -> (key: APIKey, token: String) {
        try Field.serial(name.replacingOccurrences(of: " ", with: "_"), name: "key name")
        let id = Self.randomHex(bytes: 6)
        let secret = Self.randomHex(bytes: 32)
        let key = APIKey(id: id, name: name, role: role, createdAt: environment.now())
        try await store.insertKey(key, secretHash: APIKey.hash(secret: secret))
        return (key, "ut_\(id)_\(secret)")
    }

    /// The live key a bearer token names, or `nil` for an unknown, malformed or revoked one.
    public func authenticate(token: String) async throws -> APIKey? {
        guard let (id, secret) = APIKey.parse(token: token), let stored = try await store.key(id: id) else {
            return nil
        }
        guard stored.key.revokedAt == nil else { return nil }
        let presented = Array(APIKey.hash(secret: secret).utf8)
        let expected = Array(stored.secretHash.utf8)
        guard presented.count == expected.count else { return nil }
        // Compare every byte, so the time taken says nothing about the secret.
        var difference: UInt8 = 0
        for (a, b) in zip(presented, expected) { difference |= a ^ b }
        return difference == 0 ? stored.key : nil
    }

    /// Revokes a key. - Throws: ``InputError`` (`unknown-key`) when there is none with that id.
    public func revokeKey(id: String) async throws {
        guard try await store.revokeKey(id: id, at: environment.now()) else {
            throw InputError(code: .unknownKey, message: "no API key with id '\(id)'")
        }
    }

    /// Subscribes `url` to events, optionally only of some kinds and products.
    public func subscribe(url: String, kinds: [EventKind], skus: [String]) async throws -> WebhookSubscription {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw InputError(code: .invalidField, message: "webhook url '\(url)' must be an http:// or https:// URL")
        }
        for sku in skus { _ = try await requireProduct(sku) }
        let subscription = WebhookSubscription(
            id: "wh_" + Self.randomHex(bytes: 6), url: url, secret: Self.randomHex(bytes: 24), kinds: kinds, skus: skus,
            createdAt: environment.now())
        try await store.insertSubscription(subscription)
        return subscription
    }

    /// - Throws: ``InputError`` (`unknown-webhook`) when there is none with that id.
    public func unsubscribe(id: String) async throws {
        guard try await store.deleteSubscription(id: id) else {
            throw InputError(code: .unknownWebhook, message: "no webhook subscription with id '\(id)'")
        }
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.lowercase((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// Delivers the outbox: each due event goes to its subscription, signed; failures wait longer each time.
public struct WebhookDispatcher: Sendable {
    public typealias Send =
        @Sendable (_ url: String, _ body: Data, _ headers: [String: String]) async -> (status: Int?, error: String?)

    public let inventory: Inventory
    public let send: Send
    /// Attempts before an entry is given up (and logged as such).
    public var maxAttempts = 12

    public init(inventory: Inventory, send: @escaping Send) {
        self.inventory = inventory
        self.send = send
    }

    /// Waits between attempts: 1 s, 2 s, 4 s … capped at one hour.
    public static func backoff(afterAttempt attempt: Int) -> Int64 {
        min(3_600_000, 1000 << Int64(min(attempt - 1, 20)))
    }

    /// Sends what is due now. Returns how many attempts were made.
    @discardableResult
    public func deliverDue(limit: Int = 100) async throws -> Int {
        let store = inventory.store
        let now = inventory.environment.now()
        let due = try await store.dueDeliveries(now: now, limit: limit)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for pending in due {
            let attempt = pending.attempts + 1
            guard let recorded = try await store.event(sequence: pending.sequence) else { continue }
            let body = try encoder.encode(
                LedgerRecord.event(recorded.event, sequence: recorded.sequence, hash: recorded.hash))
            let headers = [
                "Content-Type": "application/json",
                "X-Unitrace-Signature": WebhookSubscription.signature(of: body, secret: pending.subscription.secret),
                "X-Unitrace-Event": recorded.event.id.uuidString,
                "X-Unitrace-Delivery-Attempt": String(attempt),
            ]
            let result = await send(pending.subscription.url, body, headers)
            let delivered = result.status.map { (200..<300).contains($0) } ?? false
            let retryAt: Timestamp? =
                delivered || attempt >= maxAttempts
                ? nil
                : Timestamp(millisecondsSince1970: now.millisecondsSince1970 + Self.backoff(afterAttempt: attempt))
            try await store.recordAttempt(
                WebhookDelivery(
                    id: 0, subscription: pending.subscription.id, sequence: pending.sequence, attempt: attempt, at: now,
                    status: result.status,
                    error: delivered ? nil : (result.error ?? "receiver answered \(result.status ?? 0)"),
                    delivered: delivered),
                outboxID: pending.id, retryAt: retryAt)
        }
        return due.count
    }
}
