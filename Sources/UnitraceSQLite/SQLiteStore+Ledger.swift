import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

extension SQLiteStore {
    /// Commits the batch together with whatever other batches are waiting (see ``GroupCommitter``).
    public func commit(_ batch: CommitBatch) async throws -> BatchReceipt {
        try await committer.submit(try EncodedBatch(batch))
    }

    /// Writes one prepared batch inside the current transaction.
    static func apply(_ prepared: EncodedBatch, _ db: Database) throws -> BatchReceipt {
        let batch = prepared.batch
        let headers = prepared.headers
        let details = prepared.details
        let unitJSON = prepared.unitJSON
        let head = try Self.head(db)
        var previous = head.hash
        var sequences: [Int64] = []
        sequences.reserveCapacity(batch.items.count)

        for (sku, counter) in batch.serialCounters {
            try db.execute(
                sql: "UPDATE product SET next_serial = ? WHERE sku = ? AND next_serial = ?",
                arguments: [counter.next, sku, counter.expected])
            guard db.changesCount == 1 else {
                throw StoreError(.conflict, "serial counter of \(sku) moved; try again")
            }
        }

        let insertEvent = try db.cachedStatement(
            sql:
                "INSERT INTO event (sequence, id, kind, occurred_ms, header, unit_count, hash, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        let chain = try batch.chained(after: head)
        for (index, item) in batch.items.enumerated() {
            let (sequence, hash) = chain[index]
            try insertEvent.execute(arguments: [
                sequence, item.event.id.uuidString, item.event.kind.rawValue,
                item.event.occurredAt.millisecondsSince1970,
                headers[index], item.event.units.count, Data(hash.bytes), item.event.request?.id,
            ])
            previous = hash
            sequences.append(sequence)
        }

        // The projections' writers (``ProjectionChange``), one per kind.
        let insertIdentifier = try db.cachedStatement(sql: insertIdentifierSQL)
        var links: [(LinkChange, Int64)] = []
        for change in batch.projections {
            switch change {
            case .identifier(let item, let name):
                try insertIdentifier.execute(arguments: [name.value, sequences[item]])
            case .lot(_, let lot):
                try insertLot(lot, db)
            case .stock(_, let movement):
                try applyStock(movement, db)
            case .sale(_, let key, let quantity):
                try addSale(key, quantity, db)
            case .unitCount(let key, let delta):
                try addUnitCount(key, delta, db)
            case .packed(_, let change):
                try Self.applyPacked(change, db)
            case .link(let item, let change):
                links.append((change, sequences[item]))
            }
        }
        try Self.writeContainers(batch.containerChanges, sequences: sequences, db)
        if let recall = batch.newRecall { try Self.writeRecall(recall, db) }
        try Self.writeRecallAdditions(batch.recallAdditions, db)

        let insertUnit = try db.cachedStatement(
            sql: """
                INSERT INTO unit (sku, serial, status, location, destination, owner, lot, aliases, attributes, version, expiry,
                    container, parent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let updateUnit = try db.cachedStatement(
            sql: """
                UPDATE unit SET status = ?, location = ?, destination = ?, owner = ?, lot = ?, aliases = ?, attributes = ?,
                    version = ?, expiry = ?, container = ?, parent = ?
                WHERE sku = ? AND serial = ? AND version = ? RETURNING id
                """)
        let deleteAliases = try db.cachedStatement(sql: "DELETE FROM alias WHERE unit_id = ?")
        let insertAlias = try db.cachedStatement(sql: "INSERT INTO alias (value, kind, unit_id) VALUES (?, ?, ?)")
        let deleteAttributes = try db.cachedStatement(sql: "DELETE FROM unit_attribute WHERE unit_id = ?")
        let insertAttribute = try db.cachedStatement(
            sql: "INSERT INTO unit_attribute (key, value, unit_id) VALUES (?, ?, ?)")

        var ids: [UnitKey: Int64] = [:]
        ids.reserveCapacity(batch.changes.count)
        for (index, change) in batch.changes.enumerated() {
            let after = change.after
            let version = sequences[change.lastItem]
            let id: Int64
            if let before = change.before {
                let row = try Row.fetchOne(
                    updateUnit,
                    arguments: [
                        after.status.rawValue, after.location, after.destination, after.owner, after.lot,
                        unitJSON[index].aliases, unitJSON[index].attributes, version, after.expiry, after.container,
                        after.parent?.description, after.key.sku,
                        after.key.serial,
                        before.version,
                    ])
                guard let row else { throw StoreError(.conflict, "unit \(after.key) changed meanwhile; try again") }
                id = row[0]
            } else {
                try insertUnit.execute(arguments: [
                    after.key.sku, after.key.serial, after.status.rawValue, after.location, after.destination,
                    after.owner,
                    after.lot, unitJSON[index].aliases, unitJSON[index].attributes, version, after.expiry,
                    after.container, after.parent?.description,
                ])
                id = db.lastInsertedRowID
            }
            ids[after.key] = id
            if change.before?.aliases != after.aliases {
                if change.before != nil { try deleteAliases.execute(arguments: [id]) }
                for alias in after.aliases {
                    try insertAlias.execute(arguments: [alias.value, alias.kind.rawValue, id])
                }
            }
            if change.before?.attributes != after.attributes {
                if change.before != nil { try deleteAttributes.execute(arguments: [id]) }
                for (key, value) in after.attributes { try insertAttribute.execute(arguments: [key, value, id]) }
            }
        }

        // Links, and the outermost units they move, once the units' rows are written (a batch may receive a part
        // and fit it), one change at a time in the batch's order.
        for (change, sequence) in links {
            try Self.writeLink(change, sequence: sequence, db)
            try Self.applyOutermost(change, db)
        }

        let insertLine = try db.cachedStatement(
            sql: "INSERT INTO event_unit (sequence, line, unit_id, detail) VALUES (?, ?, ?, ?)")
        var unitLines = 0
        for (index, item) in batch.items.enumerated() {
            for (line, eventLine) in item.event.units.enumerated() {
                guard let id = ids[eventLine.unit] else {
                    throw StoreError(.conflict, "unit \(eventLine.unit) is named by an event but not changed by it")
                }
                try insertLine.execute(arguments: [sequences[index], line + 1, id, details[index][line]])
                unitLines += 1
            }
        }
        if let id = batch.approvedCount {
            guard
                try setCountState(
                    id: id, from: .closed, to: .approved, at: batch.items.first?.event.recordedAt ?? .now(), db)
            else { throw StoreError(.conflict, "count \(id) is not closed any more; try again") }
        }
        for update in batch.recordUpdates {
            guard try Self.updateRecord(update, db) else {
                throw StoreError(.conflict, "\(update.id) is not \(update.from) any more; try again")
            }
        }
        if let recordedAt = batch.items.first?.event.recordedAt {
            for id in batch.fulfilledHolds { try closeHold(id: id, at: recordedAt, outcome: .fulfilled, db) }
        }
        let due = batch.items.first?.event.recordedAt.millisecondsSince1970 ?? 0
        for notification in batch.notifications {
            try db.execute(
                sql: "INSERT INTO webhook_outbox (subscription, sequence, next_attempt_ms) VALUES (?, ?, ?)",
                arguments: [notification.subscription, sequences[notification.item], due])
        }
        return BatchReceipt(
            firstSequence: sequences.first ?? head.sequence + 1, lastSequence: sequences.last ?? head.sequence,
            events: sequences.count, units: unitLines, lastHash: previous.hex)
    }

    static func head(_ db: Database) throws -> LedgerHead {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT sequence, hash FROM event ORDER BY sequence DESC LIMIT 1"))
        else {
            return LedgerHead(sequence: 0, hash: .genesis)
        }
        let bytes: Data = row[1]
        return LedgerHead(sequence: row[0], hash: LedgerHash.Digest(bytes: Array(bytes)))
    }

    public func head() async throws -> LedgerHead {
        try await read { db in try Self.head(db) }
    }

    public func events(after sequence: Int64, limit: Int, matching filter: EventFilter) async throws -> [RecordedEvent]
    {
        try await scan { db in
            var conditions = ["e.sequence > ?"]
            var arguments: [any DatabaseValueConvertible] = [sequence]
            if let unit = filter.unit {
                conditions.append(
                    "e.sequence IN (SELECT eu.sequence FROM event_unit eu JOIN unit u ON u.id = eu.unit_id WHERE u.sku = ? AND u.serial = ?)"
                )
                arguments.append(unit.sku)
                arguments.append(unit.serial)
            }
            if let sku = filter.sku {
                conditions.append(
                    "e.sequence IN (SELECT eu.sequence FROM event_unit eu JOIN unit u ON u.id = eu.unit_id WHERE u.sku = ?)"
                )
                arguments.append(sku)
            }
            if let from = filter.from {
                conditions.append("e.occurred_ms >= ?")
                arguments.append(from.millisecondsSince1970)
            }
            if let until = filter.until {
                conditions.append("e.occurred_ms < ?")
                arguments.append(until.millisecondsSince1970)
            }
            arguments.append(limit)
            return try Self.recordedEvents(
                db, where: conditions.joined(separator: " AND "), arguments: arguments, limited: true)
        }
    }

    public func events(at sequences: [Int64]) async throws -> [RecordedEvent] {
        let wanted = Set(sequences).sorted()
        guard !wanted.isEmpty else { return [] }
        return try await read { db in
            try Self.recordedEvents(
                db, where: "e.sequence IN (\(Array(repeating: "?", count: wanted.count).joined(separator: ",")))",
                arguments: wanted, limited: false)
        }
    }

    /// The events a condition on `event e` selects, oldest first, with their lines; `limited` when the last
    /// argument is a row limit.
    static func recordedEvents(
        _ db: Database, where condition: String, arguments: [any DatabaseValueConvertible], limited: Bool
    ) throws -> [RecordedEvent] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.sequence, e.header, e.hash, e.id, e.kind, e.occurred_ms, e.unit_count, e.request_id
                FROM event e WHERE \(condition)
                ORDER BY e.sequence\(limited ? " LIMIT ?" : "")
                """,
            arguments: StatementArguments(arguments))
        guard let first = rows.first, let last = rows.last else { return [] }
        var events = try rows.map { row in
            let hash: Data = row[2]
            return try StoredForms.recorded(
                sequence: row[0], header: row[1], hash: Array(hash),
                columns: EventColumns(
                    id: row[3], kind: row[4], occurredMs: row[5], unitCount: row[6], requestID: row[7]))
        }
        var index: [Int64: Int] = [:]
        for (position, event) in events.enumerated() { index[event.sequence] = position }
        // Lines by range when the events are contiguous (a page), else only those of the events read.
        let contiguous = Int64(events.count) == (last[0] as Int64) - (first[0] as Int64) + 1
        let lineCondition =
            contiguous
            ? "eu.sequence BETWEEN ? AND ?"
            : "eu.sequence IN (\(Array(repeating: "?", count: events.count).joined(separator: ",")))"
        let lineArguments: [Int64] = contiguous ? [first[0], last[0]] : events.map(\.sequence)
        let lines = try Row.fetchCursor(
            db,
            sql: """
                SELECT eu.sequence, u.sku, u.serial, eu.detail FROM event_unit eu JOIN unit u ON u.id = eu.unit_id
                WHERE \(lineCondition) ORDER BY eu.sequence, eu.line
                """,
            arguments: StatementArguments(lineArguments))
        while let row = try lines.next() {
            guard let position = index[row[0]] else { continue }
            events[position].event.units.append(
                try LineDetail.line(unit: UnitKey(sku: row[1], serial: row[2]), detail: row[3]))
        }
        return events
    }

    public func history(of unit: UnitKey) async throws -> [HistoryEntry] {
        try await read { db in
            let rows = try Row.fetchAll(
                try db.cachedStatement(
                    sql: """
                        SELECT e.sequence, e.header, e.hash, e.unit_count, eu.detail
                        FROM unit u JOIN event_unit eu ON eu.unit_id = u.id JOIN event e ON e.sequence = eu.sequence
                        WHERE u.sku = ? AND u.serial = ? ORDER BY eu.sequence
                        """),
                arguments: [unit.sku, unit.serial])
            return try rows.map { row in
                var recorded = try Self.recorded(row)
                recorded.event.units = [try LineDetail.line(unit: unit, detail: row[4])]
                return HistoryEntry(sequence: recorded.sequence, event: recorded.event, unitCount: row[3])
            }
        }
    }

    public func event(requestID id: String) async throws -> RecordedEvent? {
        let sequence = try await read { db in
            try Int64.fetchOne(
                try db.cachedStatement(sql: "SELECT sequence FROM event WHERE request_id = ?"), arguments: [id])
        }
        guard let sequence else { return nil }
        return try await event(sequence: sequence)
    }

    public func event(id: UUID) async throws -> RecordedEvent? {
        let sequence = try await read { db in
            try Int64.fetchOne(
                try db.cachedStatement(sql: "SELECT sequence FROM event WHERE id = ?"), arguments: [id.uuidString])
        }
        guard let sequence else { return nil }
        return try await event(sequence: sequence)
    }

    static let insertIdentifierSQL = "INSERT OR IGNORE INTO event_identifier (identifier, sequence) VALUES (?, ?)"

    public func sequences(naming identifiers: Set<IdentifierName>, after sequence: Int64, limit: Int) async throws
        -> [Int64]
    {
        guard !identifiers.isEmpty else { return [] }
        return try await read { db in
            let statement = try db.cachedStatement(
                sql:
                    "SELECT sequence FROM event_identifier WHERE identifier = ? AND sequence > ? ORDER BY sequence LIMIT ?"
            )
            var found = Set<Int64>()
            for name in identifiers {
                found.formUnion(try Int64.fetchAll(statement, arguments: [name.value, sequence, limit]))
            }
            return Array(found.sorted().prefix(limit))
        }
    }

    public func identifierEntries(in sequences: ClosedRange<Int64>) async throws -> [IdentifierEntry] {
        try await read { db in
            try Row.fetchAll(
                try db.cachedStatement(
                    sql: """
                        SELECT sequence, identifier FROM event_identifier WHERE sequence BETWEEN ? AND ?
                        ORDER BY sequence, identifier
                        """),
                arguments: [sequences.lowerBound, sequences.upperBound]
            ).map { IdentifierEntry(sequence: $0[0], identifier: IdentifierName(stored: $0[1])) }
        }
    }

    public func replaceIdentifierEntries(in sequences: ClosedRange<Int64>, with entries: [IdentifierEntry])
        async throws
    {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM event_identifier WHERE sequence BETWEEN ? AND ?",
                arguments: [sequences.lowerBound, sequences.upperBound])
            let insert = try db.cachedStatement(sql: Self.insertIdentifierSQL)
            for entry in entries where sequences.contains(entry.sequence) {
                try insert.execute(arguments: [entry.identifier.value, entry.sequence])
            }
        }
    }

    public func recordedIDs(among ids: Set<UUID>) async throws -> Set<UUID> {
        try await read { db in
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM event WHERE id = ?")
            return try Set(ids.filter { try Bool.fetchOne(statement, arguments: [$0.uuidString]) != nil })
        }
    }

    /// Decodes `sequence, header, hash` at the start of `row`.
    static func recorded(_ row: Row) throws -> RecordedEvent {
        let hash: Data = row[2]
        return try StoredForms.recorded(sequence: row[0], header: row[1], hash: Array(hash))
    }
}
