import Foundation
import UnitraceCore

/// A count's result: what the scans say against what the ledger expected.
public struct CountResult: Hashable, Sendable {
    public struct Unexpected: Hashable, Sendable {
        public var unit: UnitKey
        /// Where the ledger says it is.
        public var ledgerLocation: String
        public var status: UnitStatus
        /// Where it was seen.
        public var seenAt: String
    }

    public struct Difference: Hashable, Sendable {
        public var key: StockKey
        public var expected: Quantity
        public var counted: Quantity
    }

    public var count: StockCount
    public var scans: Int
    public var matched: [UnitKey] = []
    /// Matched, but seen in another place beneath the count's location than the ledger says: moved there on
    /// approval.
    public var relocated: [Unexpected] = []
    /// Expected, not seen: with where the ledger has it.
    public var missing: [CountExpectation.ExpectedUnit] = []
    /// Seen here, but the ledger has it elsewhere (or missing): moved here (found) on approval.
    public var unexpected: [Unexpected] = []
    /// Scans that name no unit the ledger knows: never commissioned, a possible counterfeit.
    public var unknown: [LineProblem] = []
    /// The same unit scanned again: flagged, counted once.
    public var duplicates: [LineProblem] = []
    /// Seen on the shelf, though the ledger says it was sold, scrapped or is in transit: to investigate.
    public var wrongStatus: [Unexpected] = []
    /// Lot and bulk rows whose counted quantity is not the expected one.
    public var differences: [Difference] = []

    public init(count: StockCount, scans: Int) {
        self.count = count
        self.scans = scans
    }
}

extension Inventory {
    /// Opens a count of `location` and everything beneath it (of `products` only, when given), keeping what
    /// the ledger holds there now.
    public func openCount(location: String, products: [String] = [], context: EventContext) async throws
        -> StockCount
    {
        _ = try await requirePlace(location)
        for sku in products { _ = try await requireProduct(sku) }
        let now = environment.now()
        let count = StockCount(
            id: "C-" + String(environment.newID().uuidString.replacingOccurrences(of: "-", with: "").suffix(10)),
            location: location, products: Array(Set(products)).sorted(), openedAt: now, openedBy: context.actor,
            expected: try await expectation(at: location, products: Set(products)))
        try await store.insertCount(count)
        return count
    }

    /// What the ledger holds at a location and beneath it now.
    func expectation(at location: String, products: Set<String>) async throws -> CountExpectation {
        var expected = CountExpectation()
        for status in [UnitStatus.inStock, .returned, .quarantined] {
            var after: UnitKey?
            while true {
                let page = try await store.find(
                    UnitQuery(status: status, location: location, after: after, limit: 10_000))
                for state in page where products.isEmpty || products.contains(state.key.sku) {
                    expected.units.append(.init(sku: state.key.sku, serial: state.key.serial, location: state.location))
                }
                guard page.count == 10_000, let last = page.last else { break }
                after = last.key
            }
        }
        expected.units.sort { ($0.sku, $0.serial) < ($1.sku, $1.serial) }
        let places = try await subtree(location)
        for level in try await store.stockLevels(QuantityQuery(locations: places, state: .available))
        where products.isEmpty || products.contains(level.key.sku) {
            expected.quantities.append(
                .init(
                    sku: level.key.sku, lot: level.key.lot.isEmpty ? nil : level.key.lot, location: level.key.location,
                    quantity: level.quantity))
        }
        return expected
    }

    /// Adds scans to an open count: units by any identifier, or quantities of lot and bulk products, seen at
    /// the count's location or a place beneath it. Nothing is resolved or judged until the count is closed.
    /// - Returns: how many scans the count holds.
    public func addCountScans(
        _ id: String, scans texts: [String], quantities: [StockLineRequest] = [],
        at place: String? = nil, context: EventContext
    ) async throws -> Int {
        let count = try await requireCount(id, expectation: false)
        guard count.state == .open else {
            throw InputError(
                code: .invalidField, message: "count \(id) is \(count.state.rawValue): it takes no more scans")
        }
        let location = place ?? count.location
        guard try await subtree(count.location).contains(location) else {
            throw InputError(
                code: .invalidField, message: "\(location) is not \(count.location) or a place beneath it")
        }
        let scans = try await scanRecords(texts, quantities: quantities, at: location, context: context)
        do {
            return try await store.appendScans(scans, to: id, in: .count)
        } catch let error as StoreError where error.code == .conflict {
            throw InputError(code: .invalidField, message: "count \(id) was closed meanwhile: it takes no more scans")
        }
    }

    /// Scans as they are kept until they are judged: each unit scan cleaned and bounded, each quantity
    /// checked against its product. - Throws: ``InputError`` when there is none, or one is bad.
    func scanRecords(
        _ texts: [String], quantities: [StockLineRequest], at location: String, context: EventContext
    ) async throws -> [CountScan] {
        let now = context.occurredAt ?? environment.now()
        var scans: [CountScan] = []
        for text in texts {
            let cleaned = Field.nfc(text.trimmingCharacters(in: .whitespaces))
            guard !cleaned.isEmpty else { continue }
            _ = try Field.line(cleaned, name: "scan", limit: Limits.name)
            scans.append(CountScan(scan: cleaned, location: location, actor: context.actor, at: now))
        }
        for line in quantities {
            let product = try await requireProduct(line.sku)
            let quantity = try QuantityLine(sku: line.sku, lot: line.lot, quantity: line.quantity, uom: product.uom)
            try StockRules.check(quantity, product: product)
            scans.append(
                CountScan(
                    sku: line.sku, lot: line.lot, quantity: try Quantity(parsing: quantity.quantity),
                    location: location, actor: context.actor, at: now))
        }
        guard !scans.isEmpty else {
            throw InputError(
                code: .nothingToDo, message: "no scans given: pass them as arguments, with --from FILE, or a quantity")
        }
        return scans
    }

    /// Closes a count to scans and gives its result. - Throws: ``InputError`` when it is not open.
    public func closeCount(_ id: String) async throws -> CountResult {
        let count = try await requireCount(id, expectation: false)
        guard try await store.setCountState(id: id, from: .open, to: .closed, at: environment.now()) else {
            throw InputError(
                code: .invalidField,
                message: "count \(id) is \(count.state.rawValue), not open: it cannot be closed again")
        }
        return try await countResult(id)
    }

    /// A count's result so far (while open) or final (once closed).
    public func countResult(_ id: String) async throws -> CountResult {
        let count = try await requireCount(id)
        let scans = try await store.scans(of: id, in: .count)
        var result = CountResult(count: count, scans: scans.count)
        let unitScans = scans.filter { $0.scan != nil }
        if !unitScans.isEmpty {
            let resolved = try await resolve(unitScans.map { $0.scan! }, product: nil)
            result.unknown = resolved.problems
            result.duplicates = resolved.duplicates
            let expected = Dictionary(
                count.expected.units.map { (UnitKey(sku: $0.sku, serial: $0.serial), $0) },
                uniquingKeysWith: { a, _ in a })
            var seen = Set<UnitKey>()
            let keys = Set(resolved.lines.map(\.unit))
            let states = try await store.states(of: keys)
            for line in resolved.lines {
                let key = line.unit
                let place = unitScans[line.line - 1].location
                guard let state = states[key], state.status != .voided else {
                    result.unknown.append(LineProblem(line: line.line, scan: line.scan, reason: .unknownScan))
                    continue
                }
                if !count.products.isEmpty, !count.products.contains(key.sku) { continue }
                seen.insert(key)
                if let wanted = expected[key] {
                    result.matched.append(key)
                    if place != count.location, place != wanted.location {
                        result.relocated.append(
                            .init(unit: key, ledgerLocation: wanted.location, status: state.status, seenAt: place))
                    }
                } else if [.inStock, .returned, .quarantined, .missing].contains(state.status) {
                    result.unexpected.append(
                        .init(unit: key, ledgerLocation: state.location, status: state.status, seenAt: place))
                } else {
                    result.wrongStatus.append(
                        .init(unit: key, ledgerLocation: state.location, status: state.status, seenAt: place))
                }
            }
            result.missing = count.expected.units.filter { !seen.contains(UnitKey(sku: $0.sku, serial: $0.serial)) }
        } else {
            result.missing = count.expected.units
        }
        var counted: [StockKey: Quantity] = [:]
        for scan in scans {
            guard let sku = scan.sku, let quantity = scan.quantity else { continue }
            counted[StockKey(sku: sku, lot: scan.lot, location: scan.location), default: .zero] += quantity
        }
        var expectedQuantities: [StockKey: Quantity] = [:]
        for row in count.expected.quantities {
            expectedQuantities[StockKey(sku: row.sku, lot: row.lot, location: row.location)] = row.quantity
        }
        // A row nobody counted is only a difference when the count was of quantities at all.
        let countsQuantities = !counted.isEmpty || unitScans.isEmpty
        for key in Set(counted.keys).union(countsQuantities ? Set(expectedQuantities.keys) : []).sorted() {
            let wanted = expectedQuantities[key] ?? .zero
            let got = counted[key] ?? .zero
            if wanted != got { result.differences.append(.init(key: key, expected: wanted, counted: got)) }
        }
        return result
    }

    /// Writes a closed count's adjustments in one transaction: units seen here that the ledger had elsewhere
    /// are moved here (or found, when they were missing), expected units not seen are lost, and each quantity
    /// difference is found or lost. Refused when what the ledger holds there has changed since the count
    /// was opened: the result would no longer say what to change.
    public func approveCount(_ id: String, context: EventContext) async throws -> (CountResult, BatchReceipt?) {
        try await retryingConflicts {
            let result = try await countResult(id)
            let count = result.count
            guard count.state == .closed else {
                throw InputError(
                    code: .invalidField,
                    message: count.state == .open
                        ? "count \(id) is still open: close it first" : "count \(id) is already approved")
            }
            let now = try await expectation(at: count.location, products: Set(count.products))
            if now != count.expected {
                throw InputError(
                    code: .invalidField,
                    message:
                        "what the ledger holds at \(count.location) has changed since count \(id) was opened (\(Self.changes(from: count.expected, to: now))): its result no longer says what to change; open a new count"
                )
            }
            var eventContext = context
            eventContext.reason = context.reason ?? "count \(id)"
            var drafts: [Draft] = []
            func draft(
                _ kind: EventKind, location: String?, units: [UnitKey], source: String? = nil,
                quantities: [QuantityLine] = []
            ) {
                var event = newEvent(
                    kind, context: eventContext, location: location, lines: units.map { EventLine(unit: $0) })
                if !quantities.isEmpty {
                    event.quantities = quantities
                    event.source = source
                    event.disposition = Self.disposition(of: kind)
                }
                event.documents.append(DocumentRef(type: "count", id: id))
                drafts.append(
                    Draft(event: event, lineNumbers: units.indices.map { $0 + 1 }, scans: units.map(\.description)))
            }
            var moves: [String: [UnitKey]] = [:]
            var found: [String: [UnitKey]] = [:]
            for item in result.relocated { moves[item.seenAt, default: []].append(item.unit) }
            for item in result.unexpected {
                if item.status == .missing {
                    found[item.seenAt, default: []].append(item.unit)
                } else if item.ledgerLocation != item.seenAt {
                    moves[item.seenAt, default: []].append(item.unit)
                }
            }
            for (place, units) in moves.sorted(by: { $0.key < $1.key }) { draft(.move, location: place, units: units) }
            for (place, units) in found.sorted(by: { $0.key < $1.key }) { draft(.found, location: place, units: units) }
            let lost = result.missing.map { UnitKey(sku: $0.sku, serial: $0.serial) }
            if !lost.isEmpty { draft(.lost, location: nil, units: lost) }
            var products: [String: Product] = [:]
            var surplus: [String: [QuantityLine]] = [:]
            var shortfall: [String: [QuantityLine]] = [:]
            for difference in result.differences {
                let key = difference.key
                if products[key.sku] == nil { products[key.sku] = try await requireProduct(key.sku) }
                let amount = difference.counted - difference.expected
                let line = try QuantityLine(
                    sku: key.sku, lot: key.lot.isEmpty ? nil : key.lot,
                    quantity: (amount < .zero ? -amount : amount).description, uom: products[key.sku]?.uom)
                if amount > .zero {
                    surplus[key.location, default: []].append(line)
                } else {
                    shortfall[key.location, default: []].append(line)
                }
            }
            for (place, lines) in surplus.sorted(by: { $0.key < $1.key }) {
                draft(.found, location: place, units: [], quantities: lines)
            }
            for (place, lines) in shortfall.sorted(by: { $0.key < $1.key }) {
                draft(.lost, location: place, units: [], source: place, quantities: lines)
            }
            var batch = try await prepare(drafts)
            batch.approvedCount = id
            let receipt: BatchReceipt? = try await store.commit(batch)
            var approved = result
            approved.count.state = .approved
            return (approved, drafts.isEmpty ? nil : receipt)
        }
    }

    /// In words: how `now` differs from `before`.
    static func changes(from before: CountExpectation, to now: CountExpectation) -> String {
        let was = Set(before.units)
        let isNow = Set(now.units)
        var parts: [String] = []
        if let left = was.subtracting(isNow).sorted(by: { ($0.sku, $0.serial) < ($1.sku, $1.serial) }).first {
            parts.append("\(was.subtracting(isNow).count) unit(s) left or moved, first \(left.sku)/\(left.serial)")
        }
        if let came = isNow.subtracting(was).sorted(by: { ($0.sku, $0.serial) < ($1.sku, $1.serial) }).first {
            parts.append("\(isNow.subtracting(was).count) unit(s) came, first \(came.sku)/\(came.serial)")
        }
        if Set(before.quantities) != Set(now.quantities) { parts.append("quantities changed") }
        return parts.joined(separator: "; ")
    }

    /// Picks a random sample to count: `bins` places beneath `location` that hold stock, or `units` units in
    /// stock there, drawn with `random` so that a test can repeat a draw.
    public func countSample(location: String, bins: Int? = nil, units: Int? = nil) async throws -> [String] {
        _ = try await requirePlace(location)
        var generator = SystemRandomNumberGenerator()
        let expected = try await expectation(at: location, products: [])
        switch (bins, units) {
        case (let bins?, nil):
            try Field.positive(bins, name: "bins", maximum: 100_000)
            let places = Set(expected.units.map(\.location)).union(expected.quantities.map(\.location))
            return Array(places.sorted().shuffled(using: &generator).prefix(bins)).sorted()
        case (nil, let units?):
            try Field.positive(units, name: "units", maximum: 1_000_000)
            return Array(expected.units.shuffled(using: &generator).prefix(units))
                .map { "\($0.sku)/\($0.serial)" }.sorted()
        default:
            throw InputError(code: .invalidField, message: "sample either --bins N or --units N")
        }
    }

    public func counts(limit: Int = 100) async throws -> [StockCount] {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        return try await store.counts(limit: limit)
    }

    func requireCount(_ id: String, expectation: Bool = true) async throws -> StockCount {
        guard let count = try await store.count(id: id, expectation: expectation) else {
            throw InputError(code: .unknownCount, message: "no count '\(Limits.quote(id))'")
        }
        return count
    }
}
