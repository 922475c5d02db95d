import Foundation
import Logging
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    private func shipNotices(_ query: PostgresQuery) async throws -> [ShipNotice] {
        try await translating {
            var found: [ShipNotice] = []
            for try await json in try await client.query(query, logger: logger).decode(String.self) {
                found.append(try StoredForms.decode(ShipNotice.self, json, what: "a notice"))
            }
            return found
        }
    }

    public func insertNotice(_ notice: ShipNotice) async throws {
        let json = try StoredForms.json(notice)
        try await writing {
            let inserted = try await client.query(
                """
                INSERT INTO ship_notice (id, state, created_at, notice)
                VALUES (\(notice.id), \(notice.state.rawValue), \(notice.createdAt.iso8601), \(json))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger
            ).collect()
            guard inserted.count == 1 else { throw StoreError(.conflict, "notice \(notice.id) exists") }
        }
    }

    public func notice(id: String) async throws -> ShipNotice? {
        try await shipNotices("SELECT notice FROM ship_notice WHERE id = \(id)").first
    }

    public func notices(limit: Int) async throws -> [ShipNotice] {
        try await shipNotices("SELECT notice FROM ship_notice ORDER BY created_at DESC, id LIMIT \(limit)")
    }

    public func appendNoticeScans(_ scans: [CountScan], to id: String) async throws -> Int {
        try await appendScans(scans, to: id, in: .notice)
    }

    public func noticeScans(of id: String) async throws -> [CountScan] {
        try await scans(of: id, in: .notice)
    }

    public func settleNotice(_ notice: ShipNotice) async throws -> Bool {
        try await writing {
            try await client.withConnection { connection in
                try await Self.settleNotice(notice, on: connection, logger: logger)
            }
        }
    }

    /// Replaces the open notice by its settled form; `false` when it was not open.
    static func settleNotice(_ notice: ShipNotice, on connection: PostgresConnection, logger: Logger) async throws
        -> Bool
    {
        let json = try StoredForms.json(notice)
        return try await connection.query(
            """
            UPDATE ship_notice SET state = \(notice.state.rawValue), notice = \(json)
            WHERE id = \(notice.id) AND state = 'open' RETURNING 1
            """, logger: logger
        ).collect().count == 1
    }
}
