import Foundation
import UnitraceCore

extension Inventory {
    /// Creates an API key. The token is returned once; only the SHA-256 of its secret is stored.
    public func createKey(name: String, role: Role) async throws -> (key: APIKey, token: String) {
        let name = try Field.line(name, name: "key name", limit: Limits.name)
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
            throw InputError(code: .unknownKey, message: "no API key with id '\(Limits.quote(id))'")
        }
    }

    /// Subscribes `url` to events, optionally only of some kinds and products. The signing secret is returned
    /// here, once; the store keeps it sealed with ``InventorySettings/sealingKey``.
    /// - Throws: ``InputError`` `secret-key-missing` without a sealing key, `webhook-address-refused` for a
    ///   receiver on a private network (unless the egress settings allow it), `invalid-field` for a bad URL.
    public func subscribe(url: String, kinds: [EventKind], skus: [String], headEvery: Int? = nil) async throws
        -> WebhookSubscription
    {
        if let headEvery {
            try Field.positive(
                headEvery, name: "headEvery (seconds between head publications)", minimum: 60, maximum: 604_800)
        }
        guard url.count <= Limits.url else {
            throw InputError(
                code: .invalidField,
                message: "webhook url is \(url.count) characters long; at most \(Limits.url) ('\(Limits.quote(url))')")
        }
        _ = try settings.webhookEgress.check(url: url)
        guard let key = settings.sealingKey else { throw Self.missingSealingKey }
        for sku in skus { _ = try await requireProduct(sku) }
        let id = "wh_" + Self.randomHex(bytes: 6)
        let secret = Self.randomHex(bytes: 24)
        var subscription = WebhookSubscription(
            id: id, url: url, secret: key.seal(secret, context: Self.sealContext(id)), kinds: kinds, skus: skus,
            createdAt: environment.now(), headEvery: headEvery)
        try await store.insertSubscription(subscription)
        subscription.secret = secret
        return subscription
    }

    static let missingSealingKey = InputError(
        code: .secretKeyMissing,
        message:
            "webhook secrets are kept sealed and no secret key is set: make one with `unitrace secret-key new --out FILE` and set UNITRACE_SECRET_KEY_FILE=FILE"
    )

    static func sealContext(_ subscriptionID: String) -> String { "webhook:\(subscriptionID)" }

    /// The clear signing secret of a stored subscription.
    func openSecret(of subscription: WebhookSubscription) throws -> String {
        guard let key = settings.sealingKey else { throw Self.missingSealingKey }
        return try key.open(subscription.secret, context: Self.sealContext(subscription.id))
    }

    /// Checks, before a server starts delivering, that every stored webhook secret opens with the key given;
    /// secrets an earlier release kept in clear are sealed now. Returns how many were sealed.
    /// - Throws: ``InputError`` `secret-key-missing` naming what is wrong, so the server does not start.
    @discardableResult
    public func prepareSecrets() async throws -> Int {
        let subscriptions = try await store.subscriptions(after: nil, limit: 100_000)
        guard !subscriptions.isEmpty else { return 0 }
        guard let key = settings.sealingKey else {
            throw InputError(
                code: .secretKeyMissing,
                message:
                    "the store holds \(subscriptions.count) webhook subscription(s) whose secrets need the secret key: set UNITRACE_SECRET_KEY_FILE (or UNITRACE_SECRET_KEY) to the key they were sealed with"
            )
        }
        var sealed = 0
        for subscription in subscriptions {
            let context = Self.sealContext(subscription.id)
            if SealingKey.isSealed(subscription.secret) {
                do {
                    _ = try key.open(subscription.secret, context: context)
                } catch {
                    throw InputError(code: .secretKeyMissing, message: "\(error)")
                }
            } else {
                try await store.replaceSecret(
                    ofSubscription: subscription.id, with: key.seal(subscription.secret, context: context))
                sealed += 1
            }
        }
        return sealed
    }

    /// - Throws: ``InputError`` (`unknown-webhook`) when there is none with that id.
    public func unsubscribe(id: String) async throws {
        guard try await store.deleteSubscription(id: id) else {
            throw InputError(code: .unknownWebhook, message: "no webhook subscription with id '\(Limits.quote(id))'")
        }
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.lowercase((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// One webhook delivery as it goes on the wire: to `address`, the host's address that was checked.
public struct WebhookRequest: Sendable {
    public var url: URLComponents
    public var address: IPAddress
    public var body: Data
    public var headers: [String: String]
}

/// Delivers the outbox: each due event goes to its subscription, signed; failures wait longer each time.
/// Before each attempt the receiver's host is resolved and every address checked against the egress settings;
/// the connection goes to the address checked, redirects are not followed, and a failure is logged as the
/// receiver's status code (or the kind of network failure), never as its body.
public struct WebhookDispatcher: Sendable {
    public typealias Send = @Sendable (WebhookRequest) async -> (status: Int?, error: String?)

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
            let result: (status: Int?, error: String?)
            do {
                let secret = try inventory.openSecret(of: pending.subscription)
                let target = try await checkedTarget(pending.subscription.url)
                let headers = [
                    "Content-Type": "application/json",
                    "X-Unitrace-Signature": WebhookSubscription.signature(of: body, secret: secret),
                    "X-Unitrace-Event": recorded.event.id.uuidString,
                    "X-Unitrace-Delivery-Attempt": String(attempt),
                ]
                result = await send(
                    WebhookRequest(url: target.url, address: target.address, body: body, headers: headers))
            } catch {
                result = (nil, "\(error)")
            }
            let delivered = result.status.map { (200..<300).contains($0) } ?? false
            let retryAt: Timestamp? =
                delivered || attempt >= maxAttempts
                ? nil
                : Timestamp(millisecondsSince1970: now.millisecondsSince1970 + Self.backoff(afterAttempt: attempt))
            let failure = result.error.map { String($0.prefix(200)) } ?? "receiver answered \(result.status ?? 0)"
            try await store.recordAttempt(
                WebhookDelivery(
                    id: 0, subscription: pending.subscription.id, sequence: pending.sequence, attempt: attempt, at: now,
                    status: result.status, error: delivered ? nil : failure, delivered: delivered),
                outboxID: pending.id, retryAt: retryAt)
        }
        return due.count
    }

    /// Sends the ledger's head, signed, to every subscription that asked for it (`headEvery`) and whose period
    /// has passed since `lastSent[id]` (milliseconds). A receiver that keeps these is a witness: `unitrace
    /// verify --head SEQ:HASH` proves later that no event up to that head was removed or changed. Each attempt
    /// is logged with the head's sequence; a failed one is not retried, the next period sends a newer head.
    /// - Returns: `lastSent`, updated with the subscriptions sent to now.
    public func publishHeads(lastSent: [String: Int64]) async throws -> [String: Int64] {
        let store = inventory.store
        let now = inventory.environment.now()
        var sent = lastSent
        let due = try await store.subscriptions(after: nil, limit: 100_000).filter { subscription in
            guard let every = subscription.headEvery else { return false }
            return lastSent[subscription.id].map { now.millisecondsSince1970 - $0 >= Int64(every) * 1000 } ?? true
        }
        guard !due.isEmpty else { return sent }
        let head = try await inventory.head()
        let body = Data(
            #"{"at":"\#(now.iso8601)","hash":"\#(head.hash.hex)","head":"\#(head)","sequence":\#(head.sequence),"type":"ledger-head"}"#
                .utf8)
        for subscription in due {
            sent[subscription.id] = now.millisecondsSince1970
            let result: (status: Int?, error: String?)
            do {
                let secret = try inventory.openSecret(of: subscription)
                let target = try await checkedTarget(subscription.url)
                let headers = [
                    "Content-Type": "application/json",
                    "X-Unitrace-Signature": WebhookSubscription.signature(of: body, secret: secret),
                    "X-Unitrace-Head": head.description,
                ]
                result = await send(
                    WebhookRequest(url: target.url, address: target.address, body: body, headers: headers))
            } catch {
                result = (nil, "\(error)")
            }
            let delivered = result.status.map { (200..<300).contains($0) } ?? false
            // Not an outbox entry (id 0 names none): the attempt is only logged.
            try await store.recordAttempt(
                WebhookDelivery(
                    id: 0, subscription: subscription.id, sequence: head.sequence, attempt: 1, at: now,
                    status: result.status,
                    error: delivered
                        ? nil
                        : result.error.map { String($0.prefix(200)) } ?? "receiver answered \(result.status ?? 0)",
                    delivered: delivered),
                outboxID: 0, retryAt: nil)
        }
        return sent
    }

    /// The URL checked again now, and the address of its host to connect to.
    func checkedTarget(_ url: String) async throws -> (url: URLComponents, address: IPAddress) {
        let egress = inventory.settings.webhookEgress
        let components = try egress.check(url: url)
        let address = try await egress.address(for: components.host ?? "", resolve: inventory.environment.resolve)
        return (components, address)
    }
}
