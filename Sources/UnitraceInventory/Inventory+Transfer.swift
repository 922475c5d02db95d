import Foundation
import UnitraceCore

/// One line of a JSON Lines ledger file: a product, a location, or an event with its place in the chain.
public enum LedgerRecord: Sendable {
    case product(Product)
    case location(Location)
    /// A production run: master data beside the ledger that the ledger's lots name, exported with it so that a
    /// restored store still knows the line, equipment and shift of every lot.
    case run(ProductionRun)
    case event(Event, sequence: Int64?, hash: LedgerHash.Digest?)
}

extension LedgerRecord: Codable {
    private enum Keys: String, CodingKey { case product, location, run, sequence, hash, kind }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if container.contains(.kind) {
            self = try Self.event(from: decoder, container)
        } else if let product = try container.decodeIfPresent(Product.self, forKey: .product) {
            self = .product(product)
        } else if let location = try container.decodeIfPresent(Location.self, forKey: .location) {
            self = .location(location)
        } else if let run = try container.decodeIfPresent(ProductionRun.self, forKey: .run) {
            self = .run(try run.validated())
        } else {
            self = try Self.event(from: decoder, container)
        }
    }

    private static func event(from decoder: any Decoder, _ container: KeyedDecodingContainer<Keys>) throws
        -> LedgerRecord
    {
        let event = try Event(from: decoder)
        let sequence = try container.decodeIfPresent(Int64.self, forKey: .sequence)
        var hash: LedgerHash.Digest?
        if let text = try container.decodeIfPresent(String.self, forKey: .hash) {
            guard let digest = LedgerHash.Digest(hex: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .hash, in: container, debugDescription: "hash is not 64 hex digits")
            }
            hash = digest
        }
        return .event(event, sequence: sequence, hash: hash)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .product(let product): try container.encode(product, forKey: .product)
        case .location(let location): try container.encode(location, forKey: .location)
        case .run(let run): try container.encode(run, forKey: .run)
        case .event(let event, let sequence, let hash):
            try event.encode(to: encoder)
            try container.encodeIfPresent(sequence, forKey: .sequence)
            try container.encodeIfPresent(hash?.hex, forKey: .hash)
        }
    }
}

/// Where `import` reads lines from. Implementations stream: one line in memory at a time.
public protocol LineSource {
    /// The next line without its newline, or `nil` at the end.
    mutating func nextLine() throws -> String?
}

/// Reads a file (or standard input) a chunk at a time and hands out its lines.
public struct FileLineSource: LineSource {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var lineNumber = 0

    public init(handle: FileHandle) {
        self.handle = handle
    }

    public mutating func nextLine() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var end = newline
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let line = try text(buffer[start..<end])
                start = newline + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = try text(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// A line as text; bytes that are not UTF-8 are refused, never replaced.
    private mutating func text(_ bytes: ArraySlice<UInt8>) throws(InputError) -> String {
        lineNumber += 1
        guard let line = String(validating: bytes, as: UTF8.self) else {
            throw InputError(code: .malformedImport, message: "line \(lineNumber) is not valid UTF-8 text")
        }
        return line
    }
}

public struct ImportReport: Hashable, Sendable, Codable {
    public var events = 0
    public var units = 0
    /// Events already in the ledger (an import that is run again skips what it recorded before).
    public var skipped = 0
    public var products = 0
    public var locations = 0
    /// Production runs added.
    public var runs = 0
    public var batches = 0
    public var lines = 0

    public init() {}

    /// Adds the counts of a batch (not `lines`, which the reader keeps).
    mutating func add(_ batch: ImportReport) {
        events += batch.events
        units += batch.units
        skipped += batch.skipped
        products += batch.products
        locations += batch.locations
        runs += batch.runs
        batches += batch.batches
    }
}

/// An import that stopped at a bad batch. The batches before it are recorded; this one is not.
public struct ImportFailed: Error, Sendable {
    public var recorded: ImportReport
    public var firstLine: Int
    public var error: any Error
}

extension ImportFailed: CustomStringConvertible {
    public var description: String {
        "import stopped at the batch starting on line \(firstLine), which was not recorded (\(error)); "
            + "\(recorded.events) events before it were recorded — fix the file and import it again: recorded events are skipped"
    }
}

extension Inventory {
    /// Streams the catalogue and the events that match `filter` as JSON Lines, oldest first.
    public func export(_ filter: EventFilter = .all, pageSize: Int = 1_000, write: (String) throws -> Void) async throws
        -> Int
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ record: LedgerRecord) throws {
            try write(String(decoding: try encoder.encode(record), as: UTF8.self))
        }
        if let sku = filter.sku { _ = try await requireProduct(sku) }
        if let unit = filter.unit, try await store.states(of: [unit])[unit] == nil {
            throw InputError(code: .unknownUnit, message: "'\(Limits.quote(unit.description))' names no known unit")
        }
        for product in try await store.products() where filter.sku == nil || filter.sku == product.sku {
            try line(.product(product))
        }
        for location in try await store.locations() where !location.kind.isBuiltIn {
            try line(.location(location))
        }
        if filter.isAll {
            for run in try await store.runs(limit: Int.max).reversed() { try line(.run(run)) }
        }
        var after: Int64 = 0
        var count = 0
        while true {
            let page = try await store.events(after: after, limit: pageSize, matching: filter)
            guard let last = page.last else { break }
            after = last.sequence
            for recorded in page {
                try line(.event(recorded.event, sequence: recorded.sequence, hash: recorded.hash))
                count += 1
            }
        }
        return count
    }

    /// Reads a JSON Lines ledger file and records it batch by batch: each batch of events is validated
    /// whole and committed in one transaction, or not at all. Events already in the ledger are skipped,
    /// so an import can be run again after a failure. An event that lands at the sequence its source gave
    /// it must hash to the same value, so a full export imported into an empty store is the same ledger.
    public func importLedger(from source: inout some LineSource, batchSize: Int = 1_000, maxUnitsPerBatch: Int = 20_000)
        async throws -> ImportReport
    {
        try Field.positive(batchSize, name: "batch size", maximum: 100_000)
        var report = ImportReport()
        let decoder = JSONDecoder()
        var skus = Set(try await store.products().map(\.sku))
        var places = Set(try await store.locations().map(\.code))
        var pending: [ImportedEvent] = []
        var pendingUnits = 0
        var lineNumber = 0
        // Batches overlap: while one is written, the next is validated against what the first will leave
        // (``PendingBatch``), and the lines of the one after are read and decoded.
        var inFlight: [ImportFlight] = []

        /// Waits, oldest first, until at most `keeping` batches are in flight, counting what each recorded.
        func settle(keeping: Int = 0) async throws {
            while inFlight.count > keeping {
                let flight = inFlight.removeFirst()
                do {
                    report.add(try await flight.recorded.value.report)
                } catch {
                    throw ImportFailed(recorded: report, firstLine: flight.firstLine, error: error)
                }
            }
        }

        /// Sends the pending batch on its way once at most one batch is ahead of it: batches are recorded in
        /// order, each validated against everything recorded before it.
        func flush() async throws {
            try await settle(keeping: 1)
            guard let first = pending.first else { return }
            let flight = startImport(pending, skus: skus, places: places, after: inFlight.last, firstLine: first.line)
            inFlight.append(flight)
            pending.removeAll(keepingCapacity: true)
            pendingUnits = 0
        }

        while let text = try source.nextLine() {
            lineNumber += 1
            if text.allSatisfy(\.isWhitespace) { continue }
            let record: LedgerRecord
            do {
                if let quick = QuickForms.eventRecord(text) {
                    record = .event(quick.event, sequence: quick.sequence, hash: quick.hash)
                } else {
                    record = try decoder.decode(LedgerRecord.self, from: Data(text.utf8))
                }
            } catch {
                try await flush()
                try await settle()
                throw ImportFailed(
                    recorded: report, firstLine: lineNumber,
                    error: InputError(
                        code: .malformedImport,
                        message: "line \(lineNumber) is not a ledger record: \(Self.describe(error))"))
            }
            report.lines = lineNumber
            switch record {
            case .product(let product):
                try await flush()
                try await settle()
                if try await store.product(sku: product.sku) == nil {
                    _ = try await addProduct(product)
                    report.products += 1
                }
                skus.insert(product.sku)
            case .location(let location):
                try await flush()
                try await settle()
                if try await store.location(code: location.code) == nil {
                    _ = try await addLocation(location)
                    report.locations += 1
                }
                places.insert(location.code)
            case .run(let run):
                try await flush()
                try await settle()
                if try await store.run(id: run.id) == nil {
                    try await store.insertRun(run)
                    report.runs += 1
                }
            case .event(let event, let sequence, let hash):
                pending.append((lineNumber, event, sequence, hash))
                pendingUnits += event.units.count
                if pending.count >= batchSize || pendingUnits >= maxUnitsPerBatch { try await flush() }
            }
        }
        try await flush()
        try await settle()
        return report
    }

    typealias ImportedEvent = (line: Int, event: Event, sequence: Int64?, hash: LedgerHash.Digest?)

    /// Starts validating and recording one batch of an import. With `previous` (the batch ahead of it, still
    /// being written), the batch is validated against what `previous` will leave, at once, and recorded as
    /// validated when `previous` was recorded as it was validated; otherwise, or when the store refuses it,
    /// it is validated again against what is recorded and written then, as it would have been alone.
    private func startImport(
        _ batch: [ImportedEvent], skus: Set<String>, places: Set<String>, after previous: ImportFlight?,
        firstLine: Int
    ) -> ImportFlight {
        let prepared = Task { () -> PreparedImport? in
            guard let previous else { return try? await prepareImported(batch, skus: skus, places: places) }
            guard let ahead = await previous.prepared.value else { return nil }
            return try? await prepareImported(batch, skus: skus, places: places, after: ahead.pending)
        }
        let recorded = Task { () -> ImportFlight.Recorded in
            var ahead: (pending: PendingBatch?, receipt: BatchReceipt?)?
            if let previous {
                // A batch ahead that failed stops the import there; this one is not written.
                let done = try await previous.recorded.value
                guard done.asPrepared, let validated = await previous.prepared.value else {
                    return try await recordAlone(batch, skus: skus, places: places)
                }
                ahead = (validated.pending, done.receipt)
            }
            if var early = await prepared.value {
                if let pending = ahead?.pending, let receipt = ahead?.receipt {
                    early.batch?.rebase(on: pending, receipt: receipt)
                }
                if let recorded = try? await record(early) { return recorded }
            }
            return try await recordAlone(batch, skus: skus, places: places)
        }
        return ImportFlight(firstLine: firstLine, prepared: prepared, recorded: recorded)
    }

    /// Validates one batch against what is recorded now and records it.
    private func recordAlone(_ batch: [ImportedEvent], skus: Set<String>, places: Set<String>) async throws
        -> ImportFlight.Recorded
    {
        var recorded = try await retryingConflicts {
            try await record(try await prepareImported(batch, skus: skus, places: places))
        }
        recorded.asPrepared = false
        return recorded
    }

    private func record(_ prepared: PreparedImport) async throws -> ImportFlight.Recorded {
        var report = ImportReport()
        report.skipped = prepared.skipped
        guard let batch = prepared.batch else { return .init(report: report, receipt: nil, asPrepared: true) }
        let receipt = try await store.commit(batch)
        report.events = receipt.events
        report.units = prepared.units
        report.batches = 1
        return .init(report: report, receipt: receipt, asPrepared: true)
    }

    /// Validates one batch of an import, against what is recorded and, with `pending`, what the batch ahead
    /// of it will leave: events already recorded are skipped, every other line is checked as a verb's would be.
    private func prepareImported(
        _ pending: [ImportedEvent], skus: Set<String>, places: Set<String>, after ahead: PendingBatch? = nil
    ) async throws -> PreparedImport {
        let ids = Set(pending.map(\.event.id))
        var already = try await store.recordedIDs(among: ids)
        if let ahead { already.formUnion(ahead.eventIDs.intersection(ids)) }
        var drafts: [Draft] = []
        var problems: [LineProblem] = []
        var seenIDs = Set<UUID>()
        var skipped = 0
        for entry in pending {
            if already.contains(entry.event.id) || !seenIDs.insert(entry.event.id).inserted {
                skipped += 1
                continue
            }
            for line in entry.event.units where !skus.contains(line.sku) {
                problems.append(
                    LineProblem(
                        line: entry.line, scan: line.unit.description,
                        reason: .invalid(
                            InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(line.sku))'"))))
            }
            for line in entry.event.quantities ?? [] where !skus.contains(line.sku) && entry.event.epcis == nil {
                problems.append(
                    LineProblem(
                        line: entry.line, scan: line.sku,
                        reason: .invalid(
                            InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(line.sku))'"))))
            }
            for code in [entry.event.location, entry.event.destination, entry.event.source].compactMap({ $0 })
            where !code.hasPrefix("customer:") && !places.contains(code) {
                problems.append(
                    LineProblem(
                        line: entry.line, scan: code,
                        reason: .invalid(
                            InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'"))))
            }
            var draft = Draft(
                event: entry.event, lineNumbers: Array(repeating: entry.line, count: entry.event.units.count),
                scans: entry.event.units.map { $0.unit.description })
            draft.deriveDisposition = false
            if let sequence = entry.sequence, let hash = entry.hash { draft.expected = (sequence, hash) }
            drafts.append(draft)
        }
        if drafts.isEmpty && problems.isEmpty { return PreparedImport(batch: nil, units: 0, skipped: skipped) }
        let batch = try await prepare(drafts, earlier: problems, after: ahead)
        return PreparedImport(
            batch: batch, units: drafts.reduce(0) { $0 + $1.event.units.count }, skipped: skipped)
    }

    /// What is wrong with a JSON document, by field path, for an error message.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "not valid JSON"
                : "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: "\(error)"
        }
    }
}

/// One batch of an import, validated: what to write (`nil` when every event in it is already recorded).
struct PreparedImport: Sendable {
    var batch: CommitBatch?
    var units: Int
    var skipped: Int
    /// What the batch leaves behind, for validating the next one while this one is written.
    let pending: PendingBatch?

    init(batch: CommitBatch?, units: Int, skipped: Int) {
        self.batch = batch
        self.units = units
        self.skipped = skipped
        pending = batch.map(PendingBatch.init)
    }
}

/// One batch of an import on its way: validated ahead (`nil` when it could not be) and recorded.
struct ImportFlight: Sendable {
    struct Recorded: Sendable {
        var report: ImportReport
        var receipt: BatchReceipt?
        /// Whether the batch was recorded as validated ahead; when not, the batch after it is validated again.
        var asPrepared: Bool
    }

    let firstLine: Int
    let prepared: Task<PreparedImport?, Never>
    let recorded: Task<Recorded, any Error>
}
