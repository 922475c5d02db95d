import Crypto
import Foundation

/// What an API key may do. The raw values are stable: the CLI and the API use them.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything, including keys and webhooks.
    case admin
    /// Warehouse work: receive, move, ship, arrive, quarantine, release, scrap.
    case `operator`
    /// Selling and taking back at the counter.
    case sales
    /// Reading passports, history, warranty and ownership.
    case support
    /// Reading everything, verifying the ledger.
    case auditor
    /// A self-service returns machine: returns only.
    case kiosk
}

/// An API key as the store keeps it: the secret itself is never stored, only its SHA-256.
public struct APIKey: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: String, name: String, role: Role, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Splits a presented token `ut_<id>_<secret>` into its parts.
    public static func parse(token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "ut", parts[1].count == 12, parts[2].count == 64 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// The stored form of a secret.
    public static func hash(secret: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(secret.utf8)))
    }
}

/// A webhook subscription: where to send events, how to sign them, and which ones.
public struct WebhookSubscription: Hashable, Sendable, Codable {
    public var id: String
    public var url: String
    /// The HMAC-SHA256 key of the `X-Unitrace-Signature` header: in clear only in the answer to its creation;
    /// as the store holds it, sealed with the secret key (`sealed:v1:…`).
    public var secret: String
    /// Event kinds to send; empty means all.
    public var kinds: [EventKind]
    /// Products to send events of; empty means all.
    public var skus: [String]
    public var createdAt: Timestamp
    /// Also send the ledger's head (sequence and hash) every this many seconds, so that the receiver
    /// witnesses it: `unitrace verify --head` later proves that nothing up to it was removed. `nil`: never.
    public var headEvery: Int?

    public init(
        id: String, url: String, secret: String, kinds: [EventKind], skus: [String], createdAt: Timestamp,
        headEvery: Int? = nil
    ) {
        self.id = id
        self.url = url
        self.secret = secret
        self.kinds = kinds
        self.skus = skus
        self.createdAt = createdAt
        self.headEvery = headEvery
    }

    /// Whether `event` is one this subscription asked for.
    public func wants(_ event: Event) -> Bool {
        (kinds.isEmpty || kinds.contains(event.kind))
            && (skus.isEmpty || event.units.contains { skus.contains($0.sku) })
    }

    /// `sha256=<hex>`: the HMAC-SHA256 of `body` under the subscription's secret.
    public static func signature(of body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Hex.lowercase(mac)
    }
}

/// One attempt to deliver one event to one subscription.
public struct WebhookDelivery: Hashable, Sendable, Codable {
    public var id: Int64
    public var subscription: String
    public var sequence: Int64
    public var attempt: Int
    public var at: Timestamp
    /// The receiver's HTTP status, when it answered.
    public var status: Int?
    public var error: String?
    public var delivered: Bool

    public init(
        id: Int64, subscription: String, sequence: Int64, attempt: Int, at: Timestamp, status: Int?, error: String?,
        delivered: Bool
    ) {
        self.id = id
        self.subscription = subscription
        self.sequence = sequence
        self.attempt = attempt
        self.at = at
        self.status = status
        self.error = error
        self.delivered = delivered
    }
}

/// An event waiting in the outbox for a subscription.
public struct PendingDelivery: Hashable, Sendable {
    public var id: Int64
    public var subscription: WebhookSubscription
    public var sequence: Int64
    public var attempts: Int

    public init(id: Int64, subscription: WebhookSubscription, sequence: Int64, attempts: Int) {
        self.id = id
        self.subscription = subscription
        self.sequence = sequence
        self.attempts = attempts
    }
}

/// The request an event was recorded for, so a retried request finds it instead of recording it twice.
public struct RequestRef: Hashable, Sendable, Codable {
    /// The client's `Idempotency-Key`, scoped by the API key that sent it.
    public var id: String
    /// SHA-256 of the request body: the same key with another body is refused.
    public var fingerprint: String

    public init(id: String, fingerprint: String) {
        self.id = id
        self.fingerprint = fingerprint
    }
}
