import Foundation
import PostgresNIO
import UnitraceCore
import UnitraceInventory

extension PostgresStore {
    /// Appends the batch in one transaction. The `ledger_head` row is locked first, so concurrent commits
    /// from any number of connections and processes append one after the other; every table is written
    /// with one set-based statement (rows passed as one JSON document), never a statement per unit.
    public func commit(_ batch: CommitBatch) async throws -> BatchReceipt {
        let encoded = try EncodedBatch(batch)
        return try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await Self.apply(encoded, on: connection, logger: logger)
            }
        }
    }

    private struct EventRow: Encodable {
        var sequence: Int64
        var id: String
        var kind: String
        var occurred_ms: Int64
        var header: String
        var unit_count: Int
        var hash: String
        var request_id: String?
    }

    private struct UnitRow: Encodable {
        var sku: String
        var serial: String
        var status: String
        var location: String
        var destination: String?
        var owner: String?
        var lot: String?
        var aliases: String?
        var attributes: String?
        var version: Int64
        var expiry: String?
        var container: String?
        var parent: String?
        var before: Int64?
    }

    private struct ValueRow: Encodable {
        var unit_id: Int64
        var key: String
        var value: String
    }

    private struct LineRow: Encodable {
        var sequence: Int64
        var line: Int
        var unit_id: Int64
        var detail: String?
    }

    private static func json(_ rows: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }

    private static func apply(_ encoded: EncodedBatch, on connection: PostgresConnection, logger: Logger) async throws
        -> BatchReceipt
    {
        let batch = encoded.batch
        var head = LedgerHead(sequence: 0, hash: .genesis)
        for try await (sequence, hash) in try await connection.query(
            "SELECT sequence, hash FROM ledger_head WHERE chain = 'main' FOR UPDATE", logger: logger
        ).decode((Int64, ByteBuffer).self) {
            head = LedgerHead(sequence: sequence, hash: LedgerHash.Digest(bytes: Array(hash.readableBytesView)))
        }

        for (sku, counter) in batch.serialCounters {
            let moved = try await connection.query(
                """
                UPDATE product SET next_serial = \(counter.next) WHERE sku = \(sku) AND next_serial = \(counter.expected)
                RETURNING sku
                """, logger: logger
            ).collect()
            guard moved.count == 1 else { throw StoreError(.conflict, "serial counter of \(sku) moved; try again") }
        }

        var previous = head.hash
        var sequences: [Int64] = []
        var events: [EventRow] = []
        for (index, (item, link)) in zip(batch.items, try batch.chained(after: head)).enumerated() {
            events.append(
                EventRow(
                    sequence: link.sequence, id: item.event.id.uuidString, kind: item.event.kind.rawValue,
                    occurred_ms: item.event.occurredAt.millisecondsSince1970, header: encoded.headers[index],
                    unit_count: item.event.units.count, hash: link.hash.hex, request_id: item.event.request?.id))
            previous = link.hash
            sequences.append(link.sequence)
        }
        if !events.isEmpty {
            try await connection.query(
                """
                INSERT INTO event (sequence, id, kind, occurred_ms, header, unit_count, hash, request_id)
                SELECT sequence, id, kind, occurred_ms, header, unit_count, decode(hash, 'hex'), request_id
                FROM json_to_recordset(\(try json(events))::json) AS x(sequence bigint, id text, kind text,
                    occurred_ms bigint, header text, unit_count integer, hash text, request_id text)
                """, logger: logger)
        }

        // The projections' writers (``ProjectionChange``), one per kind.
        var identifiers: [IdentifierEntry] = []
        var counts: [(UnitCountKey, Int)] = []
        var links: [(LinkChange, Int64)] = []
        for change in batch.projections {
            switch change {
            case .identifier(let item, let name):
                identifiers.append(IdentifierEntry(sequence: sequences[item], identifier: name))
            case .lot(_, let lot):
                try await insertLot(lot, on: connection, logger: logger)
            case .stock(_, let movement):
                try await applyStock(movement, on: connection, logger: logger)
            case .sale(_, let key, let quantity):
                try await addSale(key, quantity, on: connection, logger: logger)
            case .unitCount(let key, let delta):
                counts.append((key, delta))
            case .packed(_, let change):
                try await Self.applyPacked(change, on: connection, logger: logger)
            case .link(let item, let change):
                links.append((change, sequences[item]))
            }
        }
        try await Self.writeContainers(batch.containerChanges, sequences: sequences, on: connection, logger: logger)
        if let recall = batch.newRecall { try await Self.writeRecall(recall, on: connection, logger: logger) }
        try await Self.writeRecallAdditions(batch.recallAdditions, on: connection, logger: logger)
        try await insertIdentifiers(identifiers, on: connection, logger: logger)
        try await addUnitCounts(counts, on: connection, logger: logger)
        if let id = batch.approvedCount {
            guard
                try await setCountState(
                    id: id, from: .closed, to: .approved, at: batch.items.first?.event.recordedAt ?? .now(),
                    on: connection, logger: logger)
            else { throw StoreError(.conflict, "count \(id) is not closed any more; try again") }
        }
        for update in batch.recordUpdates {
            guard try await Self.updateRecord(update, on: connection, logger: logger) else {
                throw StoreError(.conflict, "\(update.id) is not \(update.from) any more; try again")
            }
        }
        if let recordedAt = batch.items.first?.event.recordedAt {
            for id in batch.fulfilledHolds {
                try await closeHold(id: id, at: recordedAt, outcome: .fulfilled, on: connection, logger: logger)
            }
        }

        var inserted: [UnitRow] = []
        var updated: [UnitRow] = []
        for (index, change) in batch.changes.enumerated() {
            let after = change.after
            let row = UnitRow(
                sku: after.key.sku, serial: after.key.serial, status: after.status.rawValue, location: after.location,
                destination: after.destination, owner: after.owner, lot: after.lot,
                aliases: encoded.unitJSON[index].aliases, attributes: encoded.unitJSON[index].attributes,
                version: sequences[change.lastItem], expiry: after.expiry, container: after.container,
                parent: after.parent?.description, before: change.before?.version)
            if change.before == nil { inserted.append(row) } else { updated.append(row) }
        }
        let columns = """
            sku text, serial text, status text, location text, destination text, owner text, lot text, aliases text,
            attributes text, version bigint, expiry text, container text, parent text, before bigint
            """
        var ids: [UnitKey: Int64] = [:]
        ids.reserveCapacity(batch.changes.count)
        if !inserted.isEmpty {
            let rows = try await connection.query(
                """
                INSERT INTO unit (sku, serial, status, location, destination, owner, lot, aliases, attributes, version, expiry,
                    container, parent)
                SELECT sku, serial, status, location, destination, owner, lot, aliases, attributes, version, expiry,
                    container, parent
                FROM json_to_recordset(\(try json(inserted))::json) AS x(\(unescaped: columns))
                RETURNING id, sku, serial
                """, logger: logger)
            for try await (id, sku, serial) in rows.decode((Int64, String, String).self) {
                ids[UnitKey(sku: sku, serial: serial)] = id
            }
        }
        if !updated.isEmpty {
            let rows = try await connection.query(
                """
                UPDATE unit u SET status = x.status, location = x.location, destination = x.destination,
                    owner = x.owner, lot = x.lot, aliases = x.aliases, attributes = x.attributes,
                    version = x.version, expiry = x.expiry, container = x.container, parent = x.parent
                FROM json_to_recordset(\(try json(updated))::json) AS x(\(unescaped: columns))
                WHERE u.sku = x.sku AND u.serial = x.serial AND u.version = x.before
                RETURNING u.id, u.sku, u.serial
                """, logger: logger)
            var count = 0
            for try await (id, sku, serial) in rows.decode((Int64, String, String).self) {
                ids[UnitKey(sku: sku, serial: serial)] = id
                count += 1
            }
            guard count == updated.count else { throw StoreError(.conflict, "a unit changed meanwhile; try again") }
        }

        // Links, and the outermost units they move, once the units' rows are written (a batch may receive a part
        // and fit it), one change at a time in the batch's order.
        for link in links {
            try await Self.writeLinks([link], on: connection, logger: logger)
            try await Self.applyOutermost(link.0, on: connection, logger: logger)
        }

        var clearedAliases: [Int64] = []
        var clearedAttributes: [Int64] = []
        var aliases: [ValueRow] = []
        var attributes: [ValueRow] = []
        for change in batch.changes {
            guard let id = ids[change.after.key] else {
                throw StoreError(.conflict, "unit \(change.after.key) vanished")
            }
            if change.before?.aliases != change.after.aliases {
                if change.before != nil { clearedAliases.append(id) }
                for alias in change.after.aliases {
                    aliases.append(ValueRow(unit_id: id, key: alias.kind.rawValue, value: alias.value))
                }
            }
            if change.before?.attributes != change.after.attributes {
                if change.before != nil { clearedAttributes.append(id) }
                for (key, value) in change.after.attributes {
                    attributes.append(ValueRow(unit_id: id, key: key, value: value))
                }
            }
        }
        if !clearedAliases.isEmpty {
            try await connection.query("DELETE FROM alias WHERE unit_id = ANY(\(clearedAliases))", logger: logger)
        }
        if !aliases.isEmpty {
            try await connection.query(
                """
                INSERT INTO alias (value, kind, unit_id) SELECT value, key, unit_id
                FROM json_to_recordset(\(try json(aliases))::json) AS x(unit_id bigint, key text, value text)
                """, logger: logger)
        }
        if !clearedAttributes.isEmpty {
            try await connection.query(
                "DELETE FROM unit_attribute WHERE unit_id = ANY(\(clearedAttributes))", logger: logger)
        }
        if !attributes.isEmpty {
            try await connection.query(
                """
                INSERT INTO unit_attribute (key, value, unit_id) SELECT key, value, unit_id
                FROM json_to_recordset(\(try json(attributes))::json) AS x(unit_id bigint, key text, value text)
                """, logger: logger)
        }

        var lines: [LineRow] = []
        for (index, item) in batch.items.enumerated() {
            for (number, line) in item.event.units.enumerated() {
                guard let id = ids[line.unit] else {
                    throw StoreError(.conflict, "unit \(line.unit) is named by an event but not changed by it")
                }
                lines.append(
                    LineRow(
                        sequence: sequences[index], line: number + 1, unit_id: id,
                        detail: encoded.details[index][number]))
            }
        }
        if !lines.isEmpty {
            try await connection.query(
                """
                INSERT INTO event_unit (sequence, line, unit_id, detail) SELECT sequence, line, unit_id, detail
                FROM json_to_recordset(\(try json(lines))::json) AS x(sequence bigint, line integer, unit_id bigint, detail text)
                """, logger: logger)
        }

        let due = batch.items.first?.event.recordedAt.millisecondsSince1970 ?? 0
        if !batch.notifications.isEmpty {
            try await connection.query(
                """
                INSERT INTO webhook_outbox (subscription, sequence, next_attempt_ms)
                SELECT x.subscription, x.sequence, \(due)::bigint
                FROM unnest(\(batch.notifications.map(\.subscription))::text[],
                    \(batch.notifications.map { sequences[$0.item] })::bigint[]) AS x(subscription, sequence)
                """, logger: logger)
        }
        if let last = sequences.last {
            try await connection.query(
                "UPDATE ledger_head SET sequence = \(last), hash = decode(\(previous.hex), 'hex') WHERE chain = 'main'",
                logger: logger)
        }
        return BatchReceipt(
            firstSequence: sequences.first ?? head.sequence + 1, lastSequence: sequences.last ?? head.sequence,
            events: sequences.count, units: lines.count, lastHash: previous.hex)
    }

    public func head() async throws -> LedgerHead {
        try await translating {
            for try await (sequence, hash) in try await client.query(
                "SELECT sequence, hash FROM ledger_head WHERE chain = 'main'", logger: logger
            ).decode((Int64, ByteBuffer).self) {
                return LedgerHead(sequence: sequence, hash: LedgerHash.Digest(bytes: Array(hash.readableBytesView)))
            }
            return LedgerHead(sequence: 0, hash: .genesis)
        }
    }

    public func events(after sequence: Int64, limit: Int, matching filter: EventFilter) async throws -> [RecordedEvent]
    {
        var conditions = ["e.sequence > $1"]
        var binds = PostgresBindings()
        binds.append(sequence)
        if let unit = filter.unit {
            binds.append(unit.sku)
            binds.append(unit.serial)
            conditions.append(
                "e.sequence IN (SELECT eu.sequence FROM event_unit eu JOIN unit u ON u.id = eu.unit_id WHERE u.sku = $\(binds.count - 1) AND u.serial = $\(binds.count))"
            )
        }
        if let sku = filter.sku {
            binds.append(sku)
            conditions.append(
                "e.sequence IN (SELECT eu.sequence FROM event_unit eu JOIN unit u ON u.id = eu.unit_id WHERE u.sku = $\(binds.count))"
            )
        }
        if let from = filter.from {
            binds.append(from.millisecondsSince1970)
            conditions.append("e.occurred_ms >= $\(binds.count)")
        }
        if let until = filter.until {
            binds.append(until.millisecondsSince1970)
            conditions.append("e.occurred_ms < $\(binds.count)")
        }
        binds.append(limit)
        return try await recordedEvents(
            where: conditions.joined(separator: " AND "), binds: binds, limit: "LIMIT $\(binds.count)")
    }

    public func events(at sequences: [Int64]) async throws -> [RecordedEvent] {
        let wanted = Set(sequences).sorted()
        guard !wanted.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(wanted)
        return try await recordedEvents(where: "e.sequence = ANY($1)", binds: binds, limit: "")
    }

    /// The events a condition on `event e` selects, oldest first, with their lines.
    private func recordedEvents(where condition: String, binds: PostgresBindings, limit: String) async throws
        -> [RecordedEvent]
    {
        let sql = """
            SELECT e.sequence, e.header, e.hash, e.id, e.kind, e.occurred_ms, e.unit_count, e.request_id
            FROM event e WHERE \(condition)
            ORDER BY e.sequence \(limit)
            """
        return try await translating {
            var events: [RecordedEvent] = []
            var index: [Int64: Int] = [:]
            for try await (sequence, header, hash, id, kind, occurred, count, request) in try await client.query(
                PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
            ).decode((Int64, String, ByteBuffer, String, String, Int64, Int, String?).self) {
                index[sequence] = events.count
                events.append(
                    try StoredForms.recorded(
                        sequence: sequence, header: header, hash: Array(hash.readableBytesView),
                        columns: EventColumns(
                            id: id, kind: kind, occurredMs: occurred, unitCount: count, requestID: request)))
            }
            guard let first = events.first?.sequence, let last = events.last?.sequence else { return [] }
            // Lines by range when the events are contiguous (a page), else only those of the events read.
            let read = events.map(\.sequence)
            let lines =
                Int64(events.count) == last - first + 1
                ? try await client.query(
                    """
                    SELECT eu.sequence, u.sku, u.serial, eu.detail FROM event_unit eu JOIN unit u ON u.id = eu.unit_id
                    WHERE eu.sequence BETWEEN \(first) AND \(last) ORDER BY eu.sequence, eu.line
                    """, logger: logger)
                : try await client.query(
                    """
                    SELECT eu.sequence, u.sku, u.serial, eu.detail FROM event_unit eu JOIN unit u ON u.id = eu.unit_id
                    WHERE eu.sequence = ANY(\(read)) ORDER BY eu.sequence, eu.line
                    """, logger: logger)
            for try await (sequence, sku, serial, detail) in lines.decode((Int64, String, String, String?).self) {
                guard let position = index[sequence] else { continue }
                events[position].event.units.append(
                    try LineDetail.line(unit: UnitKey(sku: sku, serial: serial), detail: detail))
            }
            return events
        }
    }

    public func history(of unit: UnitKey) async throws -> [HistoryEntry] {
        try await translating {
            var entries: [HistoryEntry] = []
            let rows = try await client.query(
                """
                SELECT e.sequence, e.header, e.hash, e.unit_count, eu.detail
                FROM unit u JOIN event_unit eu ON eu.unit_id = u.id JOIN event e ON e.sequence = eu.sequence
                WHERE u.sku = \(unit.sku) AND u.serial = \(unit.serial) ORDER BY eu.sequence
                """, logger: logger)
            for try await (sequence, header, hash, count, detail) in rows.decode(
                (Int64, String, ByteBuffer, Int32, String?).self)
            {
                var recorded = try StoredForms.recorded(
                    sequence: sequence, header: header, hash: Array(hash.readableBytesView))
                recorded.event.units = [try LineDetail.line(unit: unit, detail: detail)]
                entries.append(HistoryEntry(sequence: sequence, event: recorded.event, unitCount: Int(count)))
            }
            return entries
        }
    }

    public func recordedIDs(among ids: Set<UUID>) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return try await translating {
            var found = Set<UUID>()
            for try await id in try await client.query(
                "SELECT id FROM event WHERE id = ANY(\(ids.map(\.uuidString)))", logger: logger
            ).decode(String.self) {
                if let uuid = UUID(uuidString: id) { found.insert(uuid) }
            }
            return found
        }
    }

    static func insertIdentifiers(_ entries: [IdentifierEntry], on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !entries.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO event_identifier (identifier, sequence)
            SELECT * FROM unnest(\(entries.map(\.identifier.value))::text[], \(entries.map(\.sequence))::bigint[])
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    public func sequences(naming identifiers: Set<IdentifierName>, after sequence: Int64, limit: Int) async throws
        -> [Int64]
    {
        guard !identifiers.isEmpty else { return [] }
        return try await translating {
            var found: [Int64] = []
            for try await sequence in try await client.query(
                """
                SELECT DISTINCT sequence FROM event_identifier
                WHERE identifier = ANY(\(identifiers.map(\.value))) AND sequence > \(sequence)
                ORDER BY sequence LIMIT \(limit)
                """, logger: logger
            ).decode(Int64.self) {
                found.append(sequence)
            }
            return found
        }
    }

    public func identifierEntries(in sequences: ClosedRange<Int64>) async throws -> [IdentifierEntry] {
        try await translating {
            var entries: [IdentifierEntry] = []
            for try await (sequence, identifier) in try await client.query(
                """
                SELECT sequence, identifier FROM event_identifier
                WHERE sequence BETWEEN \(sequences.lowerBound) AND \(sequences.upperBound)
                ORDER BY sequence, identifier COLLATE "C"
                """, logger: logger
            ).decode((Int64, String).self) {
                entries.append(IdentifierEntry(sequence: sequence, identifier: IdentifierName(stored: identifier)))
            }
            return entries
        }
    }

    public func replaceIdentifierEntries(in sequences: ClosedRange<Int64>, with entries: [IdentifierEntry])
        async throws
    {
        try await writing {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    DELETE FROM event_identifier
                    WHERE sequence BETWEEN \(sequences.lowerBound) AND \(sequences.upperBound)
                    """, logger: logger)
                try await Self.insertIdentifiers(
                    entries.filter { sequences.contains($0.sequence) }, on: connection, logger: logger)
            }
        }
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        let sequence: Int64? = try await translating {
            for try await sequence in try await client.query(
                "SELECT sequence FROM event WHERE id = \(id.uuidString)", logger: logger
            ).decode(Int64.self) {
                return sequence
            }
            return nil
        }
        guard let sequence else { return nil }
        return try await event(sequence: sequence)
    }

    public func event(requestID id: String) async throws -> RecordedEvent? {
        let sequence: Int64? = try await translating {
            for try await sequence in try await client.query(
                "SELECT sequence FROM event WHERE request_id = \(id)", logger: logger
            ).decode(Int64.self) {
                return sequence
            }
            return nil
        }
        guard let sequence else { return nil }
        return try await event(sequence: sequence)
    }
}
