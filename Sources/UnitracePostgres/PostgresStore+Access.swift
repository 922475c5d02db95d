import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    public func insertKey(_ key: APIKey, secretHash: String) async throws {
        try await writing {
            try await client.query(
                """
                INSERT INTO api_key (id, name, role, secret_hash, created_at)
                VALUES (\(key.id), \(key.name), \(key.role.rawValue), \(secretHash), \(key.createdAt.iso8601))
                """, logger: logger)
        }
    }

    typealias KeyColumns = (String, String, String, String, String, String?)

    static func apiKey(_ c: KeyColumns) throws -> APIKey {
        guard let role = Role(rawValue: c.2), let created = try? Timestamp(iso8601: c.4) else {
            throw StoreError(.corrupt, "API key \(c.0) is unreadable; the store was edited outside Unitrace")
        }
        return APIKey(
            id: c.0, name: c.1, role: role, createdAt: created, revokedAt: c.5.flatMap { try? Timestamp(iso8601: $0) })
    }

    public func key(id: String) async throws -> (key: APIKey, secretHash: String)? {
        try await translating {
            let rows = try await client.query(
                "SELECT id, name, role, secret_hash, created_at, revoked_at FROM api_key WHERE id = \(id)",
                logger: logger)
            for try await row in rows.decode(KeyColumns.self) { return (try Self.apiKey(row), row.3) }
            return nil
        }
    }

    public func keys(after id: String?, limit: Int) async throws -> [APIKey] {
        try await translating {
            var keys: [APIKey] = []
            let rows = try await client.query(
                """
                SELECT id, name, role, secret_hash, created_at, revoked_at FROM api_key
                WHERE id > \(id ?? "") ORDER BY id LIMIT \(limit)
                """, logger: logger)
            for try await row in rows.decode(KeyColumns.self) { keys.append(try Self.apiKey(row)) }
            return keys
        }
    }

    public func revokeKey(id: String, at time: Timestamp) async throws -> Bool {
        try await writing {
            let rows = try await client.query(
                "UPDATE api_key SET revoked_at = coalesce(revoked_at, \(time.iso8601)) WHERE id = \(id) RETURNING id",
                logger: logger)
            return try await rows.collect().count == 1
        }
    }

    public func insertSubscription(_ subscription: WebhookSubscription) async throws {
        let kinds = try StoredForms.json(subscription.kinds.map(\.rawValue))
        let skus = try StoredForms.json(subscription.skus)
        try await writing {
            try await client.query(
                """
                INSERT INTO webhook_subscription (id, url, secret, kinds, skus, created_at, head_every_s)
                VALUES (\(subscription.id), \(subscription.url), \(subscription.secret), \(kinds), \(skus),
                    \(subscription.createdAt.iso8601), \(subscription.headEvery.map(Int32.init)))
                """, logger: logger)
        }
    }

    typealias SubscriptionColumns = (String, String, String, String, String, String, Int32?)
    static let subscriptionColumns = "s.id, s.url, s.secret, s.kinds, s.skus, s.created_at, s.head_every_s"

    static func subscription(_ c: SubscriptionColumns) throws -> WebhookSubscription {
        let kinds = try StoredForms.decode([String].self, c.3, what: "webhook \(c.0)").compactMap(EventKind.init)
        let skus = try StoredForms.decode([String].self, c.4, what: "webhook \(c.0)")
        guard let created = try? Timestamp(iso8601: c.5) else {
            throw StoreError(.corrupt, "webhook \(c.0) is unreadable; the store was edited outside Unitrace")
        }
        return WebhookSubscription(
            id: c.0, url: c.1, secret: c.2, kinds: kinds, skus: skus, createdAt: created, headEvery: c.6.map(Int.init))
    }

    public func subscriptions(after id: String?, limit: Int) async throws -> [WebhookSubscription] {
        try await translating {
            var subscriptions: [WebhookSubscription] = []
            let rows = try await client.query(
                """
                SELECT \(unescaped: Self.subscriptionColumns) FROM webhook_subscription s
                WHERE s.id > \(id ?? "") ORDER BY s.id LIMIT \(limit)
                """, logger: logger)
            for try await row in rows.decode(SubscriptionColumns.self) {
                subscriptions.append(try Self.subscription(row))
            }
            return subscriptions
        }
    }

    public func deleteSubscription(id: String) async throws -> Bool {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM webhook_outbox WHERE subscription = \(id)", logger: logger)
                let rows = try await connection.query(
                    "DELETE FROM webhook_subscription WHERE id = \(id) RETURNING id", logger: logger)
                return try await rows.collect().count == 1
            }
        }
    }

    public func replaceSecret(ofSubscription id: String, with secret: String) async throws {
        try await writing {
            try await client.query(
                "UPDATE webhook_subscription SET secret = \(secret) WHERE id = \(id)", logger: logger)
        }
    }

    public func dueDeliveries(now: Timestamp, limit: Int) async throws -> [PendingDelivery] {
        try await translating {
            var due: [PendingDelivery] = []
            let rows = try await client.query(
                """
                SELECT o.id, o.sequence, o.attempts, \(unescaped: Self.subscriptionColumns)
                FROM webhook_outbox o JOIN webhook_subscription s ON s.id = o.subscription
                WHERE o.next_attempt_ms <= \(now.millisecondsSince1970) ORDER BY o.next_attempt_ms, o.id LIMIT \(limit)
                """, logger: logger)
            for try await (id, sequence, attempts, s0, s1, s2, s3, s4, s5, s6) in rows.decode(
                (Int64, Int64, Int32, String, String, String, String, String, String, Int32?).self)
            {
                due.append(
                    PendingDelivery(
                        id: id, subscription: try Self.subscription((s0, s1, s2, s3, s4, s5, s6)), sequence: sequence,
                        attempts: Int(attempts)))
            }
            return due
        }
    }

    public func recordAttempt(_ attempt: WebhookDelivery, outboxID: Int64, retryAt: Timestamp?) async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO webhook_delivery (subscription, sequence, attempt, at, status, error, delivered)
                    VALUES (\(attempt.subscription), \(attempt.sequence), \(attempt.attempt), \(attempt.at.iso8601),
                        \(attempt.status), \(attempt.error), \(attempt.delivered))
                    """, logger: logger)
                if let retryAt, !attempt.delivered {
                    try await connection.query(
                        """
                        UPDATE webhook_outbox SET attempts = \(attempt.attempt),
                            next_attempt_ms = \(retryAt.millisecondsSince1970) WHERE id = \(outboxID)
                        """, logger: logger)
                } else {
                    try await connection.query("DELETE FROM webhook_outbox WHERE id = \(outboxID)", logger: logger)
                }
            }
        }
    }

    public func deliveries(subscription: String, after id: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await translating {
            var deliveries: [WebhookDelivery] = []
            let rows = try await client.query(
                """
                SELECT id, subscription, sequence, attempt, at, status, error, delivered FROM webhook_delivery
                WHERE subscription = \(subscription) AND id > \(id ?? 0) ORDER BY id LIMIT \(limit)
                """, logger: logger)
            for try await (id, subscription, sequence, attempt, at, status, error, delivered) in rows.decode(
                (Int64, String, Int64, Int32, String, Int32?, String?, Bool).self)
            {
                deliveries.append(
                    WebhookDelivery(
                        id: id, subscription: subscription, sequence: sequence, attempt: Int(attempt),
                        at: (try? Timestamp(iso8601: at)) ?? Timestamp(millisecondsSince1970: 0),
                        status: status.map(Int.init), error: error, delivered: delivered))
            }
            return deliveries
        }
    }

    public func outboxBacklog() async throws -> Int {
        try await translating {
            for try await count in try await client.query("SELECT count(*) FROM webhook_outbox", logger: logger)
                .decode(Int64.self)
            {
                return Int(count)
            }
            return 0
        }
    }

    public func storedResponse(requestID: String) async throws -> StoredResponse? {
        try await translating {
            let rows = try await client.query(
                "SELECT fingerprint, status, body FROM stored_response WHERE request_id = \(requestID)",
                logger: logger)
            for try await (fingerprint, status, body) in rows.decode((String, Int32, ByteBuffer).self) {
                return StoredResponse(
                    requestID: requestID, fingerprint: fingerprint, status: Int(status),
                    body: Data(body.readableBytesView))
            }
            return nil
        }
    }

    public func storeResponse(_ response: StoredResponse) async throws {
        try await writing {
            try await client.query(
                """
                INSERT INTO stored_response (request_id, fingerprint, status, body)
                VALUES (\(response.requestID), \(response.fingerprint), \(response.status), \(ByteBuffer(bytes: response.body)))
                ON CONFLICT (request_id) DO NOTHING
                """, logger: logger)
        }
    }
}
