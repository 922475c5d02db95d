import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    typealias LinkColumns = (String, String, Int64, String, String, Int64, Int64?, Int64?)
    static let linkColumns =
        "l.child_sku, l.child_serial, l.installed_seq, l.parent_sku, l.parent_serial, l.installed_ms, l.removed_seq, l.removed_ms"

    static func link(_ c: LinkColumns) -> AssemblyLink {
        AssemblyLink(
            child: UnitKey(sku: c.0, serial: c.1), parent: UnitKey(sku: c.3, serial: c.4), installedSequence: c.2,
            installedMs: c.5, removedSequence: c.6, removedMs: c.7)
    }

    private struct LinkRow: Encodable {
        var child_sku: String
        var child_serial: String
        var parent_sku: String
        var parent_serial: String
        var seq: Int64
        var ms: Int64
    }

    /// The assembly writer of a commit: installs open links in one statement; removals close the open links in
    /// one statement, and a link that was not open any more is a `conflict`.
    static func writeLinks(_ changes: [(LinkChange, Int64)], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let rows = changes.map { change, sequence in
            (
                change.opens,
                LinkRow(
                    child_sku: change.child.sku, child_serial: change.child.serial, parent_sku: change.parent.sku,
                    parent_serial: change.parent.serial, seq: sequence, ms: change.occurredMs)
            )
        }
        let opened = rows.filter(\.0).map(\.1)
        let closed = rows.filter { !$0.0 }.map(\.1)
        let columns = "child_sku text, child_serial text, parent_sku text, parent_serial text, seq bigint, ms bigint"
        // Removals first: a batch may take a component out and fit it again.
        if !closed.isEmpty {
            let document = String(decoding: try JSONEncoder().encode(closed), as: UTF8.self)
            let result = try await connection.query(
                """
                UPDATE assembly_link l SET removed_seq = x.seq, removed_ms = x.ms
                FROM json_to_recordset(\(document)::json) AS x(\(unescaped: columns))
                WHERE l.child_sku = x.child_sku AND l.child_serial = x.child_serial AND l.parent_sku = x.parent_sku
                    AND l.parent_serial = x.parent_serial AND l.removed_seq IS NULL
                RETURNING l.child_sku
                """, logger: logger)
            var count = 0
            for try await _ in result.decode(String.self) { count += 1 }
            guard count == closed.count else {
                throw StoreError(.conflict, "a component is no longer installed where it was; try again")
            }
        }
        if !opened.isEmpty {
            let document = String(decoding: try JSONEncoder().encode(opened), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO assembly_link (child_sku, child_serial, installed_seq, parent_sku, parent_serial, installed_ms)
                SELECT child_sku, child_serial, seq, parent_sku, parent_serial, ms
                FROM json_to_recordset(\(document)::json) AS x(\(unescaped: columns))
                """, logger: logger)
        }
    }

    private func linkRows(_ query: PostgresQuery) async throws -> [AssemblyLink] {
        try await translating {
            var found: [AssemblyLink] = []
            for try await row in try await client.query(query, logger: logger).decode(LinkColumns.self) {
                found.append(Self.link(row))
            }
            return found
        }
    }

    public func assemblyLinks(reachableFrom units: Set<UnitKey>, upward: Bool) async throws -> [AssemblyLink] {
        guard !units.isEmpty else { return [] }
        let keys = Array(units)
        // One recursive walk of the index: by component going up, by parent going down. UNION keeps each unit
        // once, so even a loop written behind Unitrace's back ends.
        let (from, to) = upward ? ("child", "parent") : ("parent", "child")
        var query = PostgresQuery(
            unsafeSQL: """
                WITH RECURSIVE reached(sku, serial) AS (
                    SELECT * FROM unnest($1::text[], $2::text[])
                    UNION
                    SELECT l.\(to)_sku, l.\(to)_serial FROM assembly_link l
                    JOIN reached r ON l.\(from)_sku = r.sku AND l.\(from)_serial = r.serial
                )
                SELECT \(Self.linkColumns) FROM reached r
                JOIN assembly_link l ON l.\(from)_sku = r.sku AND l.\(from)_serial = r.serial
                """)
        query.binds.append(keys.map(\.sku))
        query.binds.append(keys.map(\.serial))
        return try await linkRows(query)
    }

    public func units(ofLot lot: String, sku: String) async throws -> [UnitKey] {
        try await translating {
            var keys: [UnitKey] = []
            let rows = try await client.query(
                "SELECT serial FROM unit WHERE sku = \(sku) AND lot = \(lot) ORDER BY serial", logger: logger)
            for try await serial in rows.decode(String.self) { keys.append(UnitKey(sku: sku, serial: serial)) }
            return keys
        }
    }

    public func allAssemblyLinks(after cursor: AssemblyLink?, limit: Int) async throws -> [AssemblyLink] {
        let sku = cursor?.child.sku ?? ""
        let serial = cursor?.child.serial ?? ""
        let sequence = cursor?.installedSequence ?? Int64.min
        return try await linkRows(
            """
            SELECT \(unescaped: Self.linkColumns) FROM assembly_link l
            WHERE (l.child_sku, l.child_serial, l.installed_seq) > (\(sku), \(serial), \(sequence))
            ORDER BY l.child_sku, l.child_serial, l.installed_seq LIMIT \(limit)
            """)
    }

    public func replaceAssemblyLinks(with links: [AssemblyLink]) async throws {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("DELETE FROM assembly_link", logger: logger)
                for link in links {
                    try await connection.query(
                        """
                        INSERT INTO assembly_link (child_sku, child_serial, installed_seq, parent_sku, parent_serial,
                            installed_ms, removed_seq, removed_ms)
                        VALUES (\(link.child.sku), \(link.child.serial), \(link.installedSequence), \(link.parent.sku),
                            \(link.parent.serial), \(link.installedMs), \(link.removedSequence), \(link.removedMs))
                        """, logger: logger)
                }
            }
        }
    }
}
