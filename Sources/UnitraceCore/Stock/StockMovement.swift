/// Whether a quantity is on a shelf or on its way.
public enum StockState: String, Sendable, Codable, CaseIterable, Comparable {
    /// At its location, ready to be picked (holds are counted against it, not taken from it).
    case available
    /// Shipped to a location of ours and not arrived: the row's location is where it is headed.
    case inTransit = "in-transit"
    /// At its location, packed in a container: it moves with the container and is not picked before it is
    /// unpacked.
    case packed

    public static func < (lhs: StockState, rhs: StockState) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a quantity of a lot or bulk product is: the row of the stock projection it is counted in.
public struct StockKey: Hashable, Sendable, Comparable {
    public var sku: String
    /// The lot code; empty for a bulk product.
    public var lot: String
    public var location: String
    public var state: StockState

    public init(sku: String, lot: String?, location: String, state: StockState = .available) {
        self.sku = sku
        self.lot = lot ?? ""
        self.location = location
        self.state = state
    }

    public static func < (lhs: StockKey, rhs: StockKey) -> Bool {
        (lhs.sku, lhs.lot, lhs.location, lhs.state) < (rhs.sku, rhs.lot, rhs.location, rhs.state)
    }
}

extension StockKey: CustomStringConvertible {
    public var description: String {
        let lot = lot.isEmpty ? "" : " lot \(lot)"
        let state = state == .inTransit ? " (in transit)" : state == .packed ? " (packed)" : ""
        return "\(sku)\(lot) at \(location)\(state)"
    }
}

/// One change of one stock row by one quantity line of an event.
public struct StockMovement: Hashable, Sendable {
    public var key: StockKey
    /// Positive: stock comes in; negative: it goes out.
    public var delta: Quantity
    /// Index of the line in the event's `quantities`.
    public var line: Int

    public init(key: StockKey, delta: Quantity, line: Int) {
        self.key = key
        self.delta = delta
        self.line = line
    }
}

/// How an event's quantity lines change stock. Pure: the same table serves the commit, `verify` and
/// `rebuild`.
///
/// | event   | takes from                            | puts to                                  |
/// |---------|---------------------------------------|------------------------------------------|
/// | receive, found, return | —                      | the event's location                     |
/// | move    | the source                            | the event's location                     |
/// | ship    | the source                            | the destination, in transit (nothing for a customer) |
/// | arrive  | in transit to the source (else the location) | the event's location              |
/// | sell, scrap, lost | the source                  | —                                        |
/// | pack    | the event's location                  | the event's location, packed             |
/// | unpack  | the event's location, packed          | the event's location                     |
///
/// An event that lists containers moves their content: its quantities are taken from and put to packed
/// rows (a shipment's stay in transit until they arrive).
/// Other kinds move no quantities; ``StockMovements/check(_:)`` refuses quantities on them.
public enum StockMovements {
    /// The kinds of event whose quantities change stock.
    public static let kinds: Set<EventKind> = [
        .receive, .found, .return, .move, .ship, .arrive, .sell, .scrap, .lost, .pack, .unpack, .produce,
    ]

    /// The movements of `event`'s quantity lines, line by line; none for a captured EPCIS event (its
    /// quantities are another party's).
    public static func of(_ event: Event) -> [StockMovement] {
        // A production's inputs follow its outputs, numbered after them: they are taken where it happens.
        let quantities = (event.quantities ?? []) + (event.kind == .produce ? event.inputs ?? [] : [])
        guard !quantities.isEmpty, event.epcis == nil, kinds.contains(event.kind) else { return [] }
        let outputs = event.quantities?.count ?? 0
        var movements: [StockMovement] = []
        movements.reserveCapacity(quantities.count * 2)
        let shelf: StockState = (event.containers ?? []).isEmpty ? .available : .packed
        for (index, line) in quantities.enumerated() {
            guard let amount = try? Quantity(parsing: line.quantity) else { continue }
            func take(_ location: String?, _ state: StockState) {
                guard let location else { return }
                movements.append(
                    StockMovement(
                        key: StockKey(sku: line.sku, lot: line.lot, location: location, state: state),
                        delta: -amount, line: index))
            }
            func put(_ location: String?, _ state: StockState) {
                guard let location else { return }
                movements.append(
                    StockMovement(
                        key: StockKey(sku: line.sku, lot: line.lot, location: location, state: state),
                        delta: amount, line: index))
            }
            switch event.kind {
            case .receive, .found, .return: put(event.location, .available)
            case .produce:
                if index < outputs { put(event.location, .available) } else { take(event.location, .available) }
            case .move:
                take(event.source, shelf)
                put(event.location, shelf)
            case .ship:
                take(event.source, shelf)
                if event.destinationCustomer == nil { put(event.destination, .inTransit) }
            case .arrive:
                take(event.source ?? event.location, .inTransit)
                put(event.location, shelf)
            case .sell, .scrap, .lost: take(event.source, .available)
            case .pack:
                take(event.location, .available)
                put(event.location, .packed)
            case .unpack:
                take(event.location, .packed)
                put(event.location, .available)
            default: break
            }
        }
        return movements
    }

    /// The movements that undo `corrected`'s, for the error declaration that corrects it: each of its
    /// movements with the opposite sign.
    public static func reversal(of corrected: Event) -> [StockMovement] {
        of(corrected).map { StockMovement(key: $0.key, delta: -$0.delta, line: $0.line) }
    }

    /// Checks that an event's quantities fit its kind: a kind that moves quantities, and the places it
    /// takes from and puts to. - Throws: ``InputError`` naming what is missing.
    public static func check(_ event: Event) throws(InputError) {
        let quantities = (event.quantities ?? []) + (event.inputs ?? [])
        guard !quantities.isEmpty, event.epcis == nil else { return }
        guard kinds.contains(event.kind) else {
            throw InputError(
                code: .invalidField,
                message:
                    "\(event.kind) does not move quantities; quantities are received, moved, shipped, arrived, sold, returned, scrapped, found, lost, packed or unpacked"
            )
        }
        for line in quantities {
            let amount = try Quantity(parsing: line.quantity)
            guard amount.isPositive else {
                throw InputError(code: .invalidField, message: "quantity of \(line.sku) must be more than zero")
            }
        }
        let needsSource: Set<EventKind> = [.move, .ship, .sell, .scrap, .lost]
        if needsSource.contains(event.kind), event.source == nil {
            throw InputError(
                code: .invalidField, message: "\(event.kind) of a quantity needs the location it is taken from")
        }
        if event.inputs?.isEmpty == false, event.kind != .produce {
            throw InputError(code: .invalidField, message: "only a production consumes inputs")
        }
        let needsLocation: Set<EventKind> = [.receive, .found, .return, .move, .arrive, .pack, .unpack, .produce]
        if needsLocation.contains(event.kind), event.location == nil {
            throw InputError(code: .invalidField, message: "\(event.kind) of a quantity needs the location it goes to")
        }
        if event.kind == .move, event.source == event.location {
            throw InputError(
                code: .invalidField, message: "a move of a quantity needs two places: \(event.source ?? "") is both")
        }
    }
}
