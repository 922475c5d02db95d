import Foundation
import UnitraceCore

/// Everything known about one unit: the passport a scan opens.
public struct Passport: Hashable, Sendable {
    public var state: UnitState
    public var product: Product
    /// Every event that named the unit, oldest first.
    public var history: [HistoryEntry]
    /// What is fitted in it now, recursively, with each component's origin.
    public var components: [TraceNode]
    /// The units it is fitted in, innermost first: the last is where it really is.
    public var installedIn: [UnitState]
    /// Its lot as the ledger defined it, and the run that made the lot, when known.
    public var lot: Lot?
    public var run: ProductionRun?
    /// The open recalls that list it.
    public var recalls: [String] = []

    public init(
        state: UnitState, product: Product, history: [HistoryEntry], components: [TraceNode] = [],
        installedIn: [UnitState] = []
    ) {
        self.state = state
        self.product = product
        self.history = history
        self.components = components
        self.installedIn = installedIn
    }
}

extension Inventory {
    /// Resolves one scan (`SKU/SERIAL`, serial or alias) to exactly one unit.
    /// - Throws: ``InputError`` (`unknown-unit`, `ambiguous-serial`) when the scan names no unit or several.
    public func unit(_ scan: String, product: String? = nil) async throws -> UnitKey {
        let resolved = try await resolve([scan], product: product)
        guard let line = resolved.lines.first else {
            let problem = resolved.problems.first
            if case .invalid(let error) = problem?.reason { throw error }
            if case .ambiguous = problem?.reason {
                throw InputError(code: .ambiguousSerial, message: problem?.message ?? "ambiguous")
            }
            throw InputError(code: .unknownUnit, message: "'\(Limits.quote(scan))' names no known unit")
        }
        return line.unit
    }

    /// The unit passport: identity, aliases, attributes, status, location, owner and full history.
    /// A unit whose receipt was corrected (voided) still has its passport: its history is in the ledger.
    public func passport(_ scan: String, product: String? = nil) async throws -> Passport {
        let key: UnitKey
        do {
            key = try await unit(scan, product: product)
        } catch let error as InputError where error.code == .unknownUnit {
            guard let voided = try await voidedUnit(scan, product: product) else { throw error }
            key = voided
        }
        guard let state = try await store.states(of: [key])[key] else {
            throw InputError(code: .unknownUnit, message: "'\(Limits.quote(scan))' names no known unit")
        }
        let product = try await requireProduct(key.sku)
        let inside = try await traceDown(key: key).roots.first
        var passport = Passport(
            state: state, product: product, history: try await store.history(of: key),
            components: inside?.children ?? [], installedIn: try await installedIn(state))
        passport.lot = inside?.lot
        passport.run = inside?.run
        passport.recalls = try await recallFlags([key])[key] ?? []
        return passport
    }

    /// The one voided unit a bare serial names (scans skip voided units, a passport does not).
    private func voidedUnit(_ scan: String, product: String?) async throws -> UnitKey? {
        let serial = Field.nfc(scan.trimmingCharacters(in: .whitespaces))
        let catalogue = try await store.products().filter { product == nil || $0.sku == product }
        let keys = Set(catalogue.map { UnitKey(sku: $0.sku, serial: $0.canonicalSerial(serial)) })
        let voided = try await store.states(of: keys).values.filter { $0.status == .voided }.map(\.key)
        return voided.count == 1 ? voided[0] : nil
    }

    /// Units by product, status, location (with everything beneath it) and attributes.
    public func find(_ query: UnitQuery) async throws -> [UnitState] {
        if let sku = query.sku { _ = try await requireProduct(sku) }
        if let code = query.location, try await store.location(code: code) == nil {
            throw InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'")
        }
        try Field.positive(query.limit, name: "limit", maximum: 100_000)
        return try await store.find(query)
    }

    /// Unit counts by product × location × status.
    public func stock(_ query: StockQuery) async throws -> [StockLine] {
        if let sku = query.sku { _ = try await requireProduct(sku) }
        if let code = query.location, try await store.location(code: code) == nil {
            throw InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'")
        }
        return try await store.stock(query)
    }
}
