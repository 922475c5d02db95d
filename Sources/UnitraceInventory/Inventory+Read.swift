import UnitraceCore

/// Everything known about one unit: the passport a scan opens.
public struct Passport: Hashable, Sendable {
    public var state: UnitState
    public var product: Product
    /// Every event that named the unit, oldest first.
    public var history: [HistoryEntry]

    public init(state: UnitState, product: Product, history: [HistoryEntry]) {
        self.state = state
        self.product = product
        self.history = history
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
            throw InputError(code: .unknownUnit, message: "'\(scan)' names no known unit")
        }
        return line.unit
    }

    /// The unit passport: identity, aliases, attributes, status, location, owner and full history.
    public func passport(_ scan: String, product: String? = nil) async throws -> Passport {
        let key = try await unit(scan, product: product)
        guard let state = try await store.states(of: [key])[key], state.status != .voided else {
            throw InputError(code: .unknownUnit, message: "'\(scan)' names no known unit")
        }
        let product = try await requireProduct(key.sku)
        return Passport(state: state, product: product, history: try await store.history(of: key))
    }

    /// Units by product, status, location (with everything beneath it) and attributes.
    public func find(_ query: UnitQuery) async throws -> [UnitState] {
        if let sku = query.sku { _ = try await requireProduct(sku) }
        if let code = query.location, try await store.location(code: code) == nil {
            throw InputError(code: .unknownLocation, message: "unknown location '\(code)'")
        }
        guard (1...100_000).contains(query.limit) else {
            throw InputError(code: .invalidField, message: "--limit must be between 1 and 100000, got \(query.limit)")
        }
        return try await store.find(query)
    }

    /// Unit counts by product × location × status.
    public func stock(_ query: StockQuery) async throws -> [StockLine] {
        if let sku = query.sku { _ = try await requireProduct(sku) }
        if let code = query.location, try await store.location(code: code) == nil {
            throw InputError(code: .unknownLocation, message: "unknown location '\(code)'")
        }
        return try await store.stock(query)
    }
}
