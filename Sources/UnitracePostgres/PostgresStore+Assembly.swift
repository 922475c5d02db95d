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
                try await Self.writeOutermost(OutermostReplay(links: links), on: connection, logger: logger)
            }
        }
    }
}

extension PostgresStore {
    /// Moves outermost units for one install or removal, after the commit has written the units' rows (see
    /// ``OutermostReplay`` for the two steps).
    static func applyOutermost(_ change: LinkChange, on connection: PostgresConnection, logger: Logger) async throws {
        let (child, parent, at) = (change.child, change.parent, change.occurredMs)
        var part: Int64?
        for try await id in try await connection.query(
            "SELECT id FROM unit WHERE sku = \(child.sku) AND serial = \(child.serial)", logger: logger
        ).decode(Int64.self) {
            part = id
        }
        guard let part else { throw StoreError(.conflict, "unit \(child) is not in the store") }
        if change.opens {
            try await connection.query(
                """
                UPDATE unit SET root_id = (SELECT coalesce(root_id, id) FROM unit WHERE sku = \(parent.sku)
                    AND serial = \(parent.serial)), root_since = \(at)
                WHERE id = \(part) OR root_id = \(part)
                """, logger: logger)
            return
        }
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            WITH RECURSIVE inside(sku, serial) AS (
                SELECT \(child.sku)::text, \(child.serial)::text
                UNION
                SELECT l.child_sku, l.child_serial FROM assembly_link l
                JOIN inside i ON l.parent_sku = i.sku AND l.parent_serial = i.serial
                WHERE l.removed_seq IS NULL
            )
            SELECT u.id FROM inside i JOIN unit u ON u.sku = i.sku AND u.serial = i.serial
            """, logger: logger
        ).decode(Int64.self) {
            ids.append(id)
        }
        try await connection.query(
            """
            INSERT INTO outermost_spell (unit_id, sku, lot, root_id, since_ms, until_ms)
            SELECT id, sku, lot, root_id, root_since, \(at) FROM unit WHERE id = ANY(\(ids)) AND root_id IS NOT NULL
            """, logger: logger)
        try await connection.query(
            """
            UPDATE unit SET root_id = CASE WHEN id = \(part) THEN NULL ELSE \(part) END,
                root_since = CASE WHEN id = \(part) THEN NULL ELSE \(at) END
            WHERE id = ANY(\(ids))
            """, logger: logger)
    }

    private struct OutermostRow: Encodable {
        var sku: String
        var serial: String
        var top_sku: String
        var top_serial: String
        var since: Int64
        var until: Int64?
    }

    /// Writes every unit's outermost unit and the ended spells from a replay, replacing what was there.
    static func writeOutermost(_ replay: OutermostReplay, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.query(
            "UPDATE unit SET root_id = NULL, root_since = NULL WHERE root_id IS NOT NULL", logger: logger)
        try await connection.query("DELETE FROM outermost_spell", logger: logger)
        let columns = "sku text, serial text, top_sku text, top_serial text, since bigint, until bigint"
        let now = replay.outermost.map { unit, top in
            OutermostRow(
                sku: unit.sku, serial: unit.serial, top_sku: top.unit.sku, top_serial: top.unit.serial,
                since: top.sinceMs, until: nil)
        }
        if !now.isEmpty {
            let document = String(decoding: try JSONEncoder().encode(now), as: UTF8.self)
            try await connection.query(
                """
                UPDATE unit u SET root_id = r.id, root_since = x.since
                FROM json_to_recordset(\(document)::json) AS x(\(unescaped: columns))
                JOIN unit r ON r.sku = x.top_sku AND r.serial = x.top_serial
                WHERE u.sku = x.sku AND u.serial = x.serial
                """, logger: logger)
        }
        let ended = replay.spells.map {
            OutermostRow(
                sku: $0.unit.sku, serial: $0.unit.serial, top_sku: $0.outermost.sku, top_serial: $0.outermost.serial,
                since: $0.sinceMs, until: $0.untilMs)
        }
        if !ended.isEmpty {
            let document = String(decoding: try JSONEncoder().encode(ended), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO outermost_spell (unit_id, sku, lot, root_id, since_ms, until_ms)
                SELECT u.id, u.sku, u.lot, r.id, x.since, x.until
                FROM json_to_recordset(\(document)::json) AS x(\(unescaped: columns))
                JOIN unit u ON u.sku = x.sku AND u.serial = x.serial
                JOIN unit r ON r.sku = x.top_sku AND r.serial = x.top_serial
                """, logger: logger)
        }
    }

    /// Fills the outermost units and spells from the assembly links a store already has.
    static func fillOutermost(on connection: PostgresConnection, logger: Logger) async throws {
        var links: [AssemblyLink] = []
        for try await row in try await connection.query(
            "SELECT \(unescaped: linkColumns) FROM assembly_link l", logger: logger
        ).decode(LinkColumns.self) {
            links.append(link(row))
        }
        if !links.isEmpty { try await writeOutermost(OutermostReplay(links: links), on: connection, logger: logger) }
    }

    public func outermostUnits() async throws -> [UnitKey: OutermostNow] {
        try await translating {
            var found: [UnitKey: OutermostNow] = [:]
            for try await row in try await client.query(
                """
                SELECT u.sku, u.serial, r.sku, r.serial, u.root_since FROM unit u JOIN unit r ON r.id = u.root_id
                WHERE u.root_id IS NOT NULL
                """, logger: logger
            ).decode((String, String, String, String, Int64?).self) {
                found[UnitKey(sku: row.0, serial: row.1)] = OutermostNow(
                    unit: UnitKey(sku: row.2, serial: row.3), sinceMs: row.4 ?? 0)
            }
            return found
        }
    }

    public func outermostSpells() async throws -> [OutermostSpell] {
        try await translating {
            var spells: [OutermostSpell] = []
            for try await row in try await client.query(
                """
                SELECT u.sku, u.serial, r.sku, r.serial, s.since_ms, s.until_ms FROM outermost_spell s
                JOIN unit u ON u.id = s.unit_id JOIN unit r ON r.id = s.root_id
                ORDER BY u.sku, u.serial, s.since_ms, r.sku, r.serial
                """, logger: logger
            ).decode((String, String, String, String, Int64, Int64).self) {
                spells.append(
                    OutermostSpell(
                        unit: UnitKey(sku: row.0, serial: row.1), outermost: UnitKey(sku: row.2, serial: row.3),
                        sinceMs: row.4, untilMs: row.5))
            }
            return spells
        }
    }

    public func outermost(of scope: TraceScope, after: UnitKey?, limit: Int) async throws -> OutermostPage {
        let (members, spells): (String, String)
        let (first, second): (String, String)
        switch scope {
        case .lot(let lot):
            (members, spells) = ("sku = $1 AND lot = $2", "sku = $1 AND lot = $2")
            (first, second) = (lot.sku, lot.code)
        case .unit(let unit):
            (members, spells) = (
                "sku = $1 AND serial = $2", "unit_id = (SELECT id FROM unit WHERE sku = $1 AND serial = $2)"
            )
            (first, second) = (unit.sku, unit.serial)
        }
        func query(_ sql: String, _ more: [Int64] = []) -> PostgresQuery {
            var query = PostgresQuery(unsafeSQL: sql)
            query.binds.append(first)
            query.binds.append(second)
            for value in more { query.binds.append(value) }
            return query
        }
        return try await translating {
            var members_ = 0
            var installed = 0
            for try await (all, fitted) in try await client.query(
                query("SELECT count(*), count(root_id) FROM unit WHERE \(members)"), logger: logger
            ).decode((Int64, Int64).self) {
                (members_, installed) = (Int(all), Int(fitted))
            }
            var places: [PlaceCount] = []
            var byPlace: [String: Int] = [:]
            func count(_ status: String, _ location: String, _ n: Int) {
                byPlace[status + "\u{0}" + location, default: 0] += n
            }
            for try await (status, location, n) in try await client.query(
                query(
                    """
                    SELECT r.status, r.location, count(*) FROM
                        (SELECT DISTINCT root_id FROM unit WHERE \(members) AND root_id IS NOT NULL) x
                    JOIN unit r ON r.id = x.root_id GROUP BY r.status, r.location
                    """), logger: logger
            ).decode((String, String, Int64).self) {
                count(status, location, Int(n))
            }
            var past: [Int64] = []
            for try await id in try await client.query(
                query(
                    """
                    SELECT DISTINCT s.root_id FROM outermost_spell s WHERE \(spells)
                        AND NOT EXISTS (SELECT 1 FROM unit WHERE \(members) AND root_id = s.root_id)
                    """), logger: logger
            ).decode(Int64.self) {
                past.append(id)
            }
            if !past.isEmpty {
                for try await (status, location) in try await client.query(
                    "SELECT status, location FROM unit WHERE id = ANY(\(past))", logger: logger
                ).decode((String, String).self) {
                    count(status, location, 1)
                }
            }
            for (key, n) in byPlace.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
                if let status = UnitStatus(rawValue: String(parts[0])) {
                    places.append(PlaceCount(status: status, location: String(parts[1]), count: n))
                }
            }
            var start: Int64 = 0
            if let after {
                for try await id in try await client.query(
                    "SELECT id FROM unit WHERE sku = \(after.sku) AND serial = \(after.serial)", logger: logger
                ).decode(Int64.self) {
                    start = id
                }
            }
            var ids: [Int64] = []
            for try await id in try await client.query(
                query(
                    "SELECT DISTINCT root_id FROM unit WHERE \(members) AND root_id > $3 ORDER BY root_id LIMIT $4",
                    [start, Int64(limit + 1)]), logger: logger
            ).decode(Int64.self) {
                ids.append(id)
            }
            ids = Array(Set(ids + past.filter { $0 > start }).sorted().prefix(limit + 1))
            let more = ids.count > limit
            let page = Array(ids.prefix(limit))
            let units =
                page.isEmpty
                ? []
                : try await self.units(
                    "SELECT \(unescaped: Self.unitColumns) FROM unit u WHERE u.id = ANY(\(page)) ORDER BY u.id")
            return OutermostPage(
                members: members_, installed: installed, total: places.reduce(0) { $0 + $1.count }, places: places,
                units: units, next: more ? units.last?.key : nil)
        }
    }
}
