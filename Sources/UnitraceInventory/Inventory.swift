import Foundation
import UnitraceCore

/// The use cases, written once against ``InventoryStore``. Each one reads the current state of every unit
/// it touches in one call, validates every line with `UnitraceCore`, and either throws ``BatchRejected``
/// (nothing written) or commits all its events in one transaction.
public struct Inventory: Sendable {
    /// The store, for the use cases alone: interfaces call use cases, never the store.
    let store: any InventoryStore
    public let environment: Environment
    public let settings: InventorySettings

    public init(store: any InventoryStore, environment: Environment = .live, settings: InventorySettings = .init()) {
        self.store = store
        self.environment = environment
        self.settings = settings
    }
}

/// What the operator of a store decides for it, outside the store: the key that seals secrets, and where
/// webhooks may go.
public struct InventorySettings: Sendable {
    /// Seals webhook secrets (and, later, customer data). `nil`: nothing can be sealed, so webhooks cannot be
    /// added, and a store that holds sealed secrets cannot deliver them.
    public var sealingKey: SealingKey?
    public var webhookEgress: WebhookEgress

    public init(sealingKey: SealingKey? = nil, webhookEgress: WebhookEgress = WebhookEgress()) {
        self.sealingKey = sealingKey
        self.webhookEgress = webhookEgress
    }
}

/// Who did it, when, and with which documents: shared by every use case.
public struct EventContext: Sendable {
    public var actor: String
    /// When it happened; `nil` means now, in this machine's time zone.
    public var occurredAt: Timestamp?
    public var documents: [DocumentRef]
    public var reason: String?
    /// The API request this is, when it carried an `Idempotency-Key`.
    public var request: RequestRef?

    public init(
        actor: String, occurredAt: Timestamp? = nil, documents: [DocumentRef] = [], reason: String? = nil,
        request: RequestRef? = nil
    ) {
        self.actor = actor
        self.occurredAt = occurredAt
        self.documents = documents
        self.reason = reason
        self.request = request
    }
}

/// A scan resolved to a unit, with where it came from.
struct ScannedLine {
    var line: Int
    var scan: String
    var unit: UnitKey
}

/// An event on its way to the ledger, with the input line of each of its units.
struct Draft {
    var event: Event
    var lineNumbers: [Int]
    var scans: [String]
    /// Set the disposition from the units' resulting status (for events built here, not imported).
    var deriveDisposition = true
    /// For an error declaration: the event it corrects, when the caller has it at hand.
    var corrected: Event?
    var expected: (sequence: Int64, hash: LedgerHash.Digest)?
}

/// A batch handed to the store but perhaps not yet written, seen as what it will leave behind: the next batch
/// of an import is validated against it while it is written, instead of after.
///
/// The guess is checked, not trusted. A state taken from here has no version yet: once the batch is
/// recorded, ``CommitBatch/rebase(on:receipt:)`` gives it the sequence its last event got, and the store
/// refuses the next batch with `conflict` unless each of its units is still at that version.
struct PendingBatch: Sendable {
    var states: [UnitKey: UnitState] = [:]
    /// For each unit, the index of the batch's last event that touched it.
    var lastItem: [UnitKey: Int] = [:]
    var eventIDs: Set<UUID> = []
    var aliases: [String: UnitKey] = [:]
    /// Its events that move stock or sell, by id: what a correction in the next batch may undo.
    var undoable: [UUID: Event] = [:]
    /// The containers it packs, empties or moves, as it leaves them, and the index of the last event that did.
    var containers: [String: ContainerState] = [:]
    var containerLastItem: [String: Int] = [:]

    init(_ batch: CommitBatch) {
        for item in batch.items where item.event.quantities != nil || item.event.kind == .sell {
            undoable[item.event.id] = item.event
        }
        for change in batch.changes {
            states[change.after.key] = change.after
            lastItem[change.after.key] = change.lastItem
            for alias in change.after.aliases { aliases[alias.value] = change.after.key }
        }
        eventIDs = Set(batch.items.map(\.event.id))
        for change in batch.containerChanges {
            containers[change.after.sscc] = change.after
            containerLastItem[change.after.sscc] = change.lastItem
        }
    }
}

extension CommitBatch {
    /// Gives the units this batch found in `pending` the versions they got when `pending` was recorded as
    /// `receipt` (see ``PendingBatch``).
    mutating func rebase(on pending: PendingBatch, receipt: BatchReceipt) {
        for index in changes.indices {
            let key = changes[index].after.key
            if let item = pending.lastItem[key] {
                changes[index].before?.version = receipt.firstSequence + Int64(item)
            }
        }
        for index in containerChanges.indices {
            if let item = pending.containerLastItem[containerChanges[index].after.sscc] {
                containerChanges[index].before?.version = receipt.firstSequence + Int64(item)
            }
        }
    }
}

extension Inventory {
    /// How often a batch is re-read and re-validated after another writer changed one of its units.
    static let conflictRetries = 10

    /// Runs `body` again when a concurrent writer got there first; `body` re-reads everything.
    func retryingConflicts<T>(_ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error as StoreError where error.code == .conflict && attempt < Self.conflictRetries {
                attempt += 1
            }
        }
    }

    func newEvent(
        _ kind: EventKind, context: EventContext, location: String?, destination: String? = nil, sale: Sale? = nil,
        corrects: UUID? = nil, lines: [EventLine]
    ) -> Event {
        let now = environment.now()
        var event = Event(
            id: environment.newID(), kind: kind, occurredAt: context.occurredAt ?? now, recordedAt: now,
            location: location, destination: destination, actor: context.actor, reason: context.reason,
            documents: context.documents, sale: sale, corrects: corrects, units: lines)
        event.request = context.request
        event.form = Event.currentForm
        return event
    }

    /// Validates every line of every draft against the current state (and against the drafts before it),
    /// then commits them in one transaction.
    /// - Throws: ``BatchRejected`` with `earlier` plus every line the lifecycle refuses.
    func commit(
        _ drafts: [Draft], earlier: [LineProblem] = [], serialCounters: [String: SerialCounterChange] = [:]
    ) async throws -> BatchReceipt {
        try await store.commit(try await prepare(drafts, earlier: earlier, serialCounters: serialCounters))
    }

    /// What ``commit(_:earlier:serialCounters:)`` writes: the drafts validated against the current state, or,
    /// with `pending`, against the state a batch still being written leaves (see ``PendingBatch``).
    func prepare(
        _ drafts: [Draft], earlier: [LineProblem] = [], serialCounters: [String: SerialCounterChange] = [:],
        after pending: PendingBatch? = nil
    ) async throws -> CommitBatch {
        var problems = earlier
        var drafts = drafts
        for index in drafts.indices {
            let normalize = drafts[index].expected == nil
            drafts[index].event = try InputPolicy.checked(drafts[index].event, normalize: normalize)
            for (lineIndex, line) in drafts[index].event.units.enumerated() {
                do {
                    drafts[index].event.units[lineIndex] = try InputPolicy.checked(line, normalize: normalize)
                } catch {
                    problems.append(
                        LineProblem(
                            line: drafts[index].lineNumbers[lineIndex], scan: drafts[index].scans[lineIndex],
                            reason: .invalid(error)))
                }
            }
        }
        var corrected: [UUID: Event] = [:]
        for draft in drafts where draft.event.kind == .correct {
            guard let id = draft.event.corrects else { continue }
            if let event = draft.corrected ?? pending?.undoable[id]
                ?? drafts.first(where: { $0.event.id == id })?.event
            {
                corrected[id] = event
            } else if let recorded = try await store.event(id: id) {
                corrected[id] = recorded.event
            }
        }
        // Units received that an open recall selects are quarantined in the same batch, and join the recall.
        let recallCatch = try await recallCatches(drafts)
        drafts += recallCatch.drafts
        problems += try await ruleProblems(drafts)
        problems += try await stockProblems(drafts, corrected: corrected, checkLevels: pending == nil)
        let holdCheck = try await holdProblems(drafts)
        problems += holdCheck.problems
        let containerCheck = try await containerChanges(drafts, pending: pending)
        problems += containerCheck.problems
        var keys = Set<UnitKey>()
        for draft in drafts { for line in draft.event.units { keys.insert(line.unit) } }
        var current = try await store.states(of: pending.map { keys.subtracting($0.states.keys) } ?? keys)
        if let pending {
            for key in keys { if let state = pending.states[key] { current[key] = state } }
        }

        var working = current
        var changeIndex: [UnitKey: Int] = [:]
        var changes: [CommitBatch.UnitChange] = []
        changes.reserveCapacity(keys.count)
        var newAliases: [String: (unit: UnitKey, line: Int)] = [:]
        var aliasLines: [(value: String, unit: UnitKey, line: Int, scan: String)] = []

        let installs = drafts.contains { $0.event.kind == .install && $0.expected == nil }
        let chains = installs ? try await assemblyChains(of: drafts) : [:]

        for (itemIndex, draft) in drafts.enumerated() {
            if draft.event.kind == .install, draft.expected == nil, let parent = draft.event.parent {
                // Nothing may end up inside itself: the parent's chain as the batch leaves it so far.
                let chain = Self.ancestors(of: parent) { working[$0] ?? chains[$0] }
                do {
                    try Assembly.checkCycle(draft.event, ancestorsOfParent: chain)
                } catch {
                    var error = error
                    error.status = working[error.unit]?.status
                    let index = draft.event.units.firstIndex { $0.unit == error.unit } ?? 0
                    problems.append(
                        LineProblem(line: draft.lineNumbers[index], scan: draft.scans[index], reason: .rule(error)))
                }
            }
            var statuses = Set<UnitStatus>()
            var places = (before: Set<String>(), after: Set<String>())
            for (lineIndex, line) in draft.event.units.enumerated() {
                let key = line.unit
                do {
                    if draft.expected == nil { try StockRules.checkExpiry(of: working[key], in: draft.event) }
                    let next = try UnitLifecycle.apply(draft.event, line: line, to: working[key])
                    if let location = working[key]?.location { places.before.insert(location) }
                    places.after.insert(next.location)
                    working[key] = next
                    statuses.insert(next.status)
                    if let index = changeIndex[key] {
                        changes[index].after = next
                        changes[index].lastItem = itemIndex
                    } else {
                        changeIndex[key] = changes.count
                        changes.append(.init(before: current[key], after: next, lastItem: itemIndex))
                    }
                } catch {
                    problems.append(
                        LineProblem(
                            line: draft.lineNumbers[lineIndex], scan: draft.scans[lineIndex], reason: .rule(error)))
                }
                for alias in line.aliases ?? [] {
                    aliasLines.append((alias.value, key, draft.lineNumbers[lineIndex], draft.scans[lineIndex]))
                }
            }
            if draft.deriveDisposition {
                if draft.event.disposition == nil, statuses.count == 1 {
                    drafts[itemIndex].event.disposition = statuses.first?.disposition
                }
                // Where it happened, when every unit was (or arrived) at one place: the EPCIS bizLocation.
                if draft.event.location == nil, draft.event.kind != .correct {
                    let common = draft.event.kind == .arrive ? places.after : places.before
                    if common.count == 1 { drafts[itemIndex].event.location = common.first }
                }
            }
        }

        if !aliasLines.isEmpty {
            var owners = try await store.aliasOwners(of: Set(aliasLines.map(\.value)))
            if let pending {
                for entry in aliasLines { if let owner = pending.aliases[entry.value] { owners[entry.value] = owner } }
            }
            for entry in aliasLines {
                if let owner = owners[entry.value], owner != entry.unit {
                    problems.append(
                        LineProblem(line: entry.line, scan: entry.scan, reason: .aliasInUse(entry.value, owner: owner)))
                } else if let other = newAliases[entry.value], other.unit != entry.unit {
                    problems.append(
                        LineProblem(line: entry.line, scan: entry.scan, reason: .aliasInUse(entry.value, owner: nil)))
                } else {
                    newAliases[entry.value] = (entry.unit, entry.line)
                }
            }
        }

        guard problems.isEmpty else { throw BatchRejected(problems: problems) }
        let items = drafts.map { CommitBatch.Item(event: $0.event, expected: $0.expected) }
        var batch = CommitBatch(items: items, changes: changes, serialCounters: serialCounters, corrected: corrected)
        batch.fulfilledHolds = holdCheck.fulfilled
        batch.containerChanges = containerCheck.changes
        batch.recallAdditions = recallCatch.additions
        let subscriptions = try await store.subscriptions(after: nil, limit: 10_000)
        for (index, item) in items.enumerated() {
            for subscription in subscriptions where subscription.wants(item.event) {
                batch.notifications.append((subscription.id, index))
            }
        }
        return batch
    }

    /// Checks every event new to the ledger against ``EventRules``. A lone event's refusal is thrown as it
    /// is; in a batch of several, each refusal is a problem of the event's first line.
    func ruleProblems(_ drafts: [Draft]) async throws -> [LineProblem] {
        let fresh = drafts.filter { $0.expected == nil }
        var codes = Set<String>()
        for draft in fresh { codes.formUnion(EventRules.placesNamed(by: draft.event)) }
        var places: [String: Location] = [:]
        for code in codes { places[code] = try await store.location(code: code) }
        var problems: [LineProblem] = []
        for (index, draft) in fresh.enumerated() {
            do {
                try EventRules.check(draft.event, places: places)
            } catch {
                guard drafts.count > 1 else { throw error }
                problems.append(
                    LineProblem(
                        line: draft.lineNumbers.first ?? index + 1, scan: draft.scans.first ?? "",
                        reason: .invalid(error)))
            }
        }
        return problems
    }

    /// Resolves scans to units: `SKU/SERIAL`, a bare serial, or an alias (IMEI, VIN, own serial, …).
    /// With `product`, bare serials are taken as that product's. Double scans are dropped and reported.
    func resolve(_ scans: [String], product: String?) async throws -> (
        lines: [ScannedLine], problems: [LineProblem], duplicates: [LineProblem]
    ) {
        let cleaned = scans.map { Field.nfc($0.trimmingCharacters(in: .whitespaces)) }
        guard !cleaned.isEmpty else {
            throw InputError(
                code: .nothingToDo,
                message: "no units given: pass them as arguments, with --from FILE, or on standard input")
        }
        if let product { _ = try await requireProduct(product) }
        let catalogue = try await store.products()
        var bySKU: [String: Product] = [:]
        for entry in catalogue { bySKU[entry.sku] = entry }
        // A plain number also names the unit whose serial is that number in the canonical form (000001).
        let untemplated = Product(sku: "-", name: "-")
        var padded: [String: String] = [:]
        var lookups = Set<String>()
        for scan in cleaned {
            let canonical = untemplated.canonicalSerial(scan)
            if canonical != scan { padded[scan] = canonical }
        }
        lookups.formUnion(padded.values)
        var byGTIN: [String: String] = [:]
        for entry in catalogue { if let gtin = entry.gtin { byGTIN[gtin14(gtin)] = entry.sku } }
        var direct: [Int: UnitKey] = [:]
        var unreadable: [Int: InputError] = [:]
        // An IMEI read with separators (49-015420-323751-8) is held as its digits.
        var imeiDigits: [String: String] = [:]
        for scan in cleaned where scan.contains("-") || scan.contains(" ") {
            if let imei = try? IMEI(parsing: scan) { imeiDigits[scan] = imei.digits }
        }
        lookups.formUnion(imeiDigits.values)
        for (index, scan) in cleaned.enumerated() {
            if let key = UnitKey(parsing: scan), let named = bySKU[key.sku], product == nil || product == key.sku {
                direct[index] = UnitKey(sku: key.sku, serial: named.canonicalSerial(key.serial))
            } else if Identifiers.detect(scan) != nil {
                do {
                    direct[index] = try unitKey(scanned: scan, byGTIN: byGTIN, product: product)
                } catch {
                    unreadable[index] = error
                }
            } else {
                lookups.insert(scan)
            }
        }
        let candidates = lookups.isEmpty ? [:] : try await store.candidates(for: lookups)

        var lines: [ScannedLine] = []
        var problems: [LineProblem] = []
        var duplicates: [LineProblem] = []
        var firstLine: [UnitKey: Int] = [:]
        for (index, scan) in cleaned.enumerated() {
            let lineNumber = index + 1
            let key: UnitKey
            if let error = unreadable[index] {
                problems.append(LineProblem(line: lineNumber, scan: scan, reason: .invalid(error)))
                continue
            } else if let found = direct[index] {
                key = found
            } else {
                var options = candidates[scan] ?? imeiDigits[scan].flatMap { candidates[$0] } ?? []
                if let canonical = padded[scan], let more = candidates[canonical] {
                    options = Array(
                        Set(options).union(more.filter { bySKU[$0.sku]?.canonicalSerial(scan) == canonical }))
                }
                if let product { options = options.filter { $0.sku == product } }
                switch options.count {
                case 1: key = options[0]
                case 0:
                    if let tagged = Inventory.looksLikeTag(scan) ? try? unitKey(tag: scan, byGTIN: byGTIN) : nil,
                        product == nil || product == tagged.sku
                    {
                        key = tagged
                    } else if let product {
                        key = UnitKey(sku: product, serial: bySKU[product]?.canonicalSerial(scan) ?? scan)
                    } else {
                        problems.append(LineProblem(line: lineNumber, scan: scan, reason: .unknownScan))
                        continue
                    }
                default:
                    problems.append(LineProblem(line: lineNumber, scan: scan, reason: .ambiguous(options.sorted())))
                    continue
                }
            }
            if let first = firstLine[key] {
                duplicates.append(LineProblem(line: lineNumber, scan: scan, reason: .duplicateScan(firstLine: first)))
                continue
            }
            firstLine[key] = lineNumber
            lines.append(ScannedLine(line: lineNumber, scan: scan, unit: key))
        }
        return (lines, problems, duplicates)
    }

    /// Whether a scan that names no serial or alias may be an RFID tag's EPC memory in hexadecimal.
    static func looksLikeTag(_ scan: String) -> Bool {
        scan.utf8.count >= 24 && scan.utf8.count.isMultiple(of: 4)
            && scan.utf8.allSatisfy { (48...57).contains($0) || (65...70).contains($0) || (97...102).contains($0) }
    }

    /// The unit an SGTIN read from an RFID tag names.
    func unitKey(tag scan: String, byGTIN: [String: String]) throws(InputError) -> UnitKey {
        try unitKey(parsed: try Identifiers.parse(scan, as: .epcHex), byGTIN: byGTIN, product: nil)
    }

    /// The unit a GS1 scan or Digital Link names by its (01) GTIN and (21) serial.
    func unitKey(scanned scan: String, byGTIN: [String: String], product: String?) throws(InputError) -> UnitKey {
        try unitKey(parsed: try Identifiers.parse(scan), byGTIN: byGTIN, product: product)
    }

    func unitKey(parsed: ParsedIdentifier, byGTIN: [String: String], product: String?) throws(InputError) -> UnitKey {
        if let sscc = parsed.sscc {
            throw InputError(code: .invalidIdentifier, message: "SSCC \(sscc) names a shipping container, not a unit")
        }
        guard let gtin = parsed.gtin else {
            throw InputError(code: .invalidIdentifier, message: "the scan names no GTIN (01), so no product")
        }
        guard let sku = byGTIN[gtin] else {
            throw InputError(code: .unknownProduct, message: "GTIN \(gtin) is not the GTIN of any product")
        }
        if let product, product != sku {
            throw InputError(
                code: .invalidIdentifier, message: "GTIN \(gtin) belongs to product \(sku), not \(product)")
        }
        guard let serial = parsed.serial else {
            throw InputError(
                code: .invalidIdentifier, message: "GTIN \(gtin) without a serial (21) names a product, not a unit")
        }
        return UnitKey(sku: sku, serial: serial)
    }

    func requireProduct(_ sku: String) async throws -> Product {
        guard let product = try await store.product(sku: sku) else {
            throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(sku))'")
        }
        return product
    }

    /// A location that can hold stock: known, and not one of the built-in pseudo-locations.
    func requirePlace(_ code: String) async throws -> Location {
        try EventRules.realPlace(code, try await store.location(code: code))
    }
}
