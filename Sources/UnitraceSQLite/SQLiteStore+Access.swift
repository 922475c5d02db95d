import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    public func insertKey(_ key: APIKey, secretHash: String) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.name, key.role.rawValue, secretHash, key.createdAt.iso8601])
        }
    }

    static func apiKey(_ row: Row) throws -> APIKey {
        let id: String = row["id"]
        guard let role = Role(rawValue: row["role"]), let created = try? Timestamp(iso8601: row["created_at"]) else {
            throw StoreError(.corrupt, "API key \(id) is unreadable; the store was edited outside Unitrace")
        }
        let revoked: String? = row["revoked_at"]
        return APIKey(
            id: id, name: row["name"], role: role, createdAt: created,
            revokedAt: revoked.flatMap { try? Timestamp(iso8601: $0) })
    }

    public func key(id: String) async throws -> (key: APIKey, secretHash: String)? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT * FROM api_key WHERE id = ?"), arguments: [id])
            else {
                return nil
            }
            return (try Self.apiKey(row), row["secret_hash"])
        }
    }

    public func keys(after id: String?, limit: Int) async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM api_key WHERE id > ? ORDER BY id LIMIT ?", arguments: [id ?? "", limit]
            ).map(Self.apiKey)
        }
    }

    public func revokeKey(id: String, at time: Timestamp) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                arguments: [time.iso8601, id])
            return db.changesCount == 1
        }
    }

    public func insertSubscription(_ subscription: WebhookSubscription) async throws {
        let kinds = try StoredForms.json(subscription.kinds.map(\.rawValue))
        let skus = try StoredForms.json(subscription.skus)
        try await write { db in
            try db.execute(
                sql:
                    """
                    INSERT INTO webhook_subscription (id, url, secret, kinds, skus, created_at, head_every_s)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subscription.id, subscription.url, subscription.secret, kinds, skus, subscription.createdAt.iso8601,
                    subscription.headEvery,
                ])
        }
    }

    static func subscription(_ row: Row, prefix: String = "") throws -> WebhookSubscription {
        let id: String = row[prefix + "id"]
        let kinds = try StoredForms.decode([String].self, row[prefix + "kinds"], what: "webhook \(id)").compactMap(
            EventKind.init)
        let skus = try StoredForms.decode([String].self, row[prefix + "skus"], what: "webhook \(id)")
        guard let created = try? Timestamp(iso8601: row[prefix + "created_at"]) else {
            throw StoreError(.corrupt, "webhook \(id) is unreadable; the store was edited outside Unitrace")
        }
        return WebhookSubscription(
            id: id, url: row[prefix + "url"], secret: row[prefix + "secret"], kinds: kinds, skus: skus,
            createdAt: created, headEvery: row[prefix + "head_every_s"])
    }

    public func subscriptions(after id: String?, limit: Int) async throws -> [WebhookSubscription] {
        try await read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM webhook_subscription WHERE id > ? ORDER BY id LIMIT ?"),
                arguments: [id ?? "", limit]
            ).map { try Self.subscription($0) }
        }
    }

    public func deleteSubscription(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_outbox WHERE subscription = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM webhook_subscription WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    public func replaceSecret(ofSubscription id: String, with secret: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE webhook_subscription SET secret = ? WHERE id = ?", arguments: [secret, id])
        }
    }

    public func dueDeliveries(now: Timestamp, limit: Int) async throws -> [PendingDelivery] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id AS outbox_id, o.sequence, o.attempts, s.id, s.url, s.secret, s.kinds, s.skus, s.created_at,
                        s.head_every_s
                    FROM webhook_outbox o JOIN webhook_subscription s ON s.id = o.subscription
                    WHERE o.next_attempt_ms <= ? ORDER BY o.next_attempt_ms, o.id LIMIT ?
                    """,
                arguments: [now.millisecondsSince1970, limit]
            ).map { row in
                PendingDelivery(
                    id: row["outbox_id"], subscription: try Self.subscription(row), sequence: row["sequence"],
                    attempts: row["attempts"])
            }
        }
    }

    public func recordAttempt(_ attempt: WebhookDelivery, outboxID: Int64, retryAt: Timestamp?) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_delivery (subscription, sequence, attempt, at, status, error, delivered)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    attempt.subscription, attempt.sequence, attempt.attempt, attempt.at.iso8601, attempt.status,
                    attempt.error, attempt.delivered,
                ])
            if let retryAt, !attempt.delivered {
                try db.execute(
                    sql: "UPDATE webhook_outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?",
                    arguments: [attempt.attempt, retryAt.millisecondsSince1970, outboxID])
            } else {
                try db.execute(sql: "DELETE FROM webhook_outbox WHERE id = ?", arguments: [outboxID])
            }
        }
    }

    public func deliveries(subscription: String, after id: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM webhook_delivery WHERE subscription = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [subscription, id ?? 0, limit]
            ).map { row in
                WebhookDelivery(
                    id: row["id"], subscription: row["subscription"], sequence: row["sequence"],
                    attempt: row["attempt"],
                    at: (try? Timestamp(iso8601: row["at"])) ?? Timestamp(millisecondsSince1970: 0),
                    status: row["status"],
                    error: row["error"], delivered: row["delivered"])
            }
        }
    }

    public func outboxBacklog() async throws -> Int {
        try await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT count(*) FROM webhook_outbox")) ?? 0
        }
    }

    public func storedResponse(requestID: String) async throws -> StoredResponse? {
        try await read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT * FROM stored_response WHERE request_id = ?"),
                arguments: [requestID]
            ).map {
                StoredResponse(
                    requestID: $0["request_id"], fingerprint: $0["fingerprint"], status: $0["status"], body: $0["body"])
            }
        }
    }

    public func storeResponse(_ response: StoredResponse) async throws {
        try await write { db in
            try db.execute(
                sql:
                    "INSERT OR IGNORE INTO stored_response (request_id, fingerprint, status, body) VALUES (?, ?, ?, ?)",
                arguments: [response.requestID, response.fingerprint, response.status, response.body])
        }
    }
}
