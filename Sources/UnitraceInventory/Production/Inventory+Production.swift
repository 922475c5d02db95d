import Foundation
import UnitraceCore

/// What a person or a client asks to record: a production that consumes lots (and bulk quantities) and makes
/// a new lot at one place — serialized units of it, or a quantity.
public struct ProductionRequest: Hashable, Sendable {
    /// The product made.
    public var sku: String
    public var location: String
    /// The new lot made; a production always makes a lot of its own.
    public var lot: String
    public var run: String?
    public var madeOn: CalendarDay?
    public var expiry: CalendarDay?
    /// Serialized output: the serials, or `count` new ones from the product's serial template.
    public var serials: [String]
    public var count: Int?
    /// Lot-tracked output: the quantity made.
    public var quantity: String?
    public var uom: String?
    /// What it consumed: lots of lot-tracked products, quantities of bulk ones, taken where it happens.
    public var inputs: [QuantityLine]

    public init(
        sku: String, location: String, lot: String, run: String? = nil, madeOn: CalendarDay? = nil,
        expiry: CalendarDay? = nil, serials: [String] = [], count: Int? = nil, quantity: String? = nil,
        uom: String? = nil, inputs: [QuantityLine]
    ) {
        self.sku = sku
        self.location = location
        self.lot = lot
        self.run = run
        self.madeOn = madeOn
        self.expiry = expiry
        self.serials = serials
        self.count = count
        self.quantity = quantity
        self.uom = uom
        self.inputs = inputs
    }
}

/// What a production recorded.
public struct ProductionOutcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    public var lot: Lot
    public var units: [UnitKey]
    public var quantity: QuantityLine?
    public var duplicates: [LineProblem]
}

extension Inventory {
    /// Records a production in one event (an EPCIS TransformationEvent): the inputs are taken from stock where
    /// it happens, and the new lot — its units or its quantity — is put there, defined with its run, made-on
    /// day and the lots it was made from. A trace up of an input lot follows it into the lots made from it.
    /// - Throws: ``InputError`` for an unknown product, place, run or input lot, a lot that exists already, no
    ///   inputs, or output that does not fit the product's tracking; ``BatchRejected`` naming every refused
    ///   line (too little of an input in stock, a serial in use). Nothing is written then.
    public func produce(_ request: ProductionRequest, context: EventContext) async throws -> ProductionOutcome {
        let product = try await requireProduct(request.sku)
        _ = try await requirePlace(request.location)
        if let run = request.run { _ = try await self.run(run) }
        guard !request.inputs.isEmpty else {
            throw InputError(
                code: .invalidField, message: "a production consumes something: name its inputs (--input SKU/LOT=QTY)")
        }
        let key = LotKey(sku: product.sku, code: try Field.serial(request.lot, name: "lot"))
        // A quantity given without its unit is in the product's own unit.
        var inputs = request.inputs
        for index in inputs.indices where inputs[index].uom == nil {
            inputs[index].uom = try await store.product(sku: inputs[index].sku)?.uom
        }
        return try await retryingConflicts {
            if try await store.lots([key])[key] != nil {
                throw InputError(
                    code: .lotMismatch,
                    message: "lot \(key.code) of \(key.sku) exists already: a production makes a lot of its own")
            }
            let day = request.madeOn ?? CalendarDay(context.occurredAt ?? environment.now())
            let lot = try Lot(
                sku: product.sku, code: key.code, madeOn: day, expiry: request.expiry, run: request.run,
                inputs: inputs
            ).validated(for: product)
            var lines: [EventLine] = []
            var scans: [String] = []
            var duplicates: [LineProblem] = []
            var counters: [String: SerialCounterChange] = [:]
            var quantity: QuantityLine?
            switch product.tracking {
            case .serialized:
                guard request.quantity == nil else {
                    throw InputError(
                        code: .wrongTrackingMode,
                        message: "\(product.sku) is serialized: a production of it makes units (serials or --count)")
                }
                var serials = request.serials
                if let count = request.count {
                    guard serials.isEmpty else {
                        throw InputError(code: .invalidField, message: "give serials or --count, not both")
                    }
                    let generated = try await generateSerials(
                        for: product,
                        request: ReceiveRequest(
                            sku: product.sku, location: request.location, count: count, lot: key.code),
                        context: context)
                    serials = generated.lines.map(\.serial)
                    if let counter = generated.counter { counters[product.sku] = counter }
                }
                guard !serials.isEmpty else {
                    throw InputError(
                        code: .nothingToDo,
                        message: "a production of \(product.sku) makes units: give serials or --count")
                }
                var seen: [UnitKey: Int] = [:]
                for (index, text) in serials.enumerated() {
                    let unit = UnitKey(sku: product.sku, serial: product.canonicalSerial(try Field.serial(text)))
                    if let first = seen[unit] {
                        duplicates.append(
                            LineProblem(line: index + 1, scan: text, reason: .duplicateScan(firstLine: first)))
                        continue
                    }
                    seen[unit] = index + 1
                    lines.append(EventLine(unit: unit, lot: key.code))
                    scans.append(text)
                }
            case .lot, .bulk:
                guard product.tracking == .lot, let amount = request.quantity, request.serials.isEmpty,
                    request.count == nil
                else {
                    throw InputError(
                        code: .wrongTrackingMode,
                        message:
                            product.tracking == .bulk
                            ? "\(product.sku) is bulk: a production makes a lot of a serialized or lot-tracked product"
                            : "\(product.sku) is lot-tracked: a production of it makes a quantity (--quantity)")
                }
                quantity = try QuantityLine(
                    sku: product.sku, lot: key.code, quantity: amount, uom: request.uom ?? product.uom)
            }
            var event = newEvent(.produce, context: context, location: request.location, lines: lines)
            event.quantities = quantity.map { [$0] }
            event.inputs = inputs
            event.lots = [lot]
            event.transformation = request.run ?? "lot:\(product.sku)/\(key.code)"
            let draft = Draft(
                event: event, lineNumbers: lines.indices.map { $0 + 1 }, scans: scans)
            let receipt = try await commit([draft], serialCounters: counters)
            return ProductionOutcome(
                receipt: receipt, lot: lot, units: lines.map(\.unit), quantity: quantity, duplicates: duplicates)
        }
    }
}

extension QuantityLine {
    /// Parses a production input, `SKU/LOT=QUANTITY[UOM]` (`RESIN/R-77=12.5KGM`) or, for a bulk product,
    /// `SKU=QUANTITY[UOM]`. - Throws: ``InputError`` naming the text.
    public init(parsingInput text: String) throws(InputError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(
                code: .invalidField,
                message: "input '\(Limits.quote(text))' must be SKU/LOT=QUANTITY[UOM], e.g. RESIN/R-77=12.5KGM")
        }
        let name = String(text[..<equals])
        let amount = text[text.index(after: equals)...]
        let number = amount.prefix { $0.isNumber || $0 == "." }
        let uom = amount.dropFirst(number.count)
        let key = UnitKey(parsing: name)
        try self.init(
            sku: key?.sku ?? name, lot: key?.serial, quantity: String(number), uom: uom.isEmpty ? nil : String(uom))
    }
}

/// What a production recorded, for the CLI's `--json` and the API.
public struct ProductionOutcomeJSON: Encodable, Sendable {
    public var event: String
    public var sequence: Int64
    public var product: String
    public var lot: String
    public var run: String?
    public var madeOn: String?
    public var inputs: [QuantityLine]
    public var units: [String]
    public var quantity: QuantityLine?
    public var duplicates: [ProblemJSON]
    public var hash: String

    public init(_ outcome: ProductionOutcome) {
        event = EventKind.produce.rawValue
        sequence = outcome.receipt.firstSequence
        product = outcome.lot.sku
        lot = outcome.lot.code
        run = outcome.lot.run
        madeOn = outcome.lot.madeOn?.description
        inputs = outcome.lot.inputs ?? []
        units = outcome.units.map(\.description)
        quantity = outcome.quantity
        duplicates = outcome.duplicates.map(ProblemJSON.init)
        hash = outcome.receipt.lastHash
    }

    /// `produced lot L-9 of EVM-200 (run RUN-1): 3 unit(s) from RESIN/R-77 12.5 KGM (sequence 41)`
    public var summary: String {
        let made = quantity.map { "\($0.quantity)\($0.uom.map { " \($0)" } ?? "")" } ?? "\(units.count) unit(s)"
        let from = inputs.map(\.label)
        return
            "produced lot \(lot) of \(product)\(run.map { " (run \($0))" } ?? ""): \(made) from \(from.joined(separator: ", ")) (sequence \(sequence))"
    }
}
