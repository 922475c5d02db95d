import UnitraceCore

/// One line of a receipt: the unit's serial and the other identifiers printed on it.
public struct ReceiveLine: Hashable, Sendable {
    public var serial: String
    public var aliases: [Alias]
    /// The GTIN a GS1 label named (14 digits); it picks the product.
    public var gtin: String?
    public var lot: String?
    public var expiry: String?

    public init(serial: String, aliases: [Alias] = [], gtin: String? = nil, lot: String? = nil, expiry: String? = nil) {
        self.serial = serial
        self.aliases = aliases
        self.gtin = gtin
        self.lot = lot
        self.expiry = expiry
    }

    /// Parses one scanned line: GS1 data (`]d2…`, `(01)…(21)…`), a Digital Link URI or an SGTIN EPC URI, whose (01) GTIN,
    /// (21) serial, (10) lot and (17) expiry are taken; or `SERIAL [kind:value …]`, fields separated by
    /// spaces, tabs or commas, e.g. `SN-88231 own:U-000017 imei:490154203237518`.
    public init(parsing text: String) throws(InputError) {
        if let kind = Identifiers.detect(text) {
            let data = try Identifiers.parse(text, as: kind)
            guard let gtin = data.gtin else {
                throw InputError(code: .invalidIdentifier, message: "the GS1 scan names no GTIN (01), so no product")
            }
            guard let serial = data.serial else {
                throw InputError(
                    code: .invalidIdentifier, message: "GTIN \(gtin) without a serial (21) names a product, not a unit")
            }
            self.init(serial: serial, gtin: gtin, lot: data.lot, expiry: data.expiry)
            return
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        guard let serial = fields.first else {
            throw InputError(code: .invalidField, message: "empty line: a serial is expected")
        }
        var aliases: [Alias] = []
        for field in fields.dropFirst() { aliases.append(try Alias(parsing: field)) }
        self.init(serial: try Field.serial(serial), aliases: aliases)
    }

    /// Parses every line, reporting each bad one with its number.
    /// - Throws: ``BatchRejected`` listing the lines that cannot be read.
    public static func parseAll(_ texts: [String]) throws(BatchRejected) -> [ReceiveLine] {
        var lines: [ReceiveLine] = []
        var problems: [LineProblem] = []
        for (index, text) in texts.enumerated() {
            do {
                lines.append(try ReceiveLine(parsing: text))
            } catch {
                problems.append(LineProblem(line: index + 1, scan: text, reason: .invalid(error)))
            }
        }
        guard problems.isEmpty else { throw BatchRejected(problems: problems) }
        return lines
    }
}

/// What to receive: given serials (or GS1 scans, which name their product by GTIN), or `count` new ones from
/// the product's serial template.
public struct ReceiveRequest: Sendable {
    /// The product of every line; may be left out when every line is a GS1 scan naming its GTIN.
    public var sku: String?
    public var location: String
    public var lines: [ReceiveLine]
    /// Generate this many serials from the product's template instead of `lines`.
    public var count: Int?
    /// Give every unit an `own` alias from the product's serial template (the manufacturer's serial stays
    /// the unit's serial).
    public var ownSerials: Bool
    public var lot: String?
    public var attributes: [String: String]
    /// Serials typed as numbers and ranges (`1-5,10+3,~`); see ``SerialEntry``.
    public var serials: String?
    /// Values for the `{NAME:N}` fields of the serial template, by name.
    public var fields: [String: String]
    /// Where `lot` comes from (made on, production run, supplier, dates): when the lot is new, the receipt
    /// defines it in the ledger, as a receipt of a lot-tracked product does; a known lot keeps its definition.
    public var lotDetails: LotDetails?

    public init(
        sku: String?, location: String, lines: [ReceiveLine] = [], count: Int? = nil, ownSerials: Bool = false,
        lot: String? = nil, attributes: [String: String] = [:], serials: String? = nil, fields: [String: String] = [:],
        lotDetails: LotDetails? = nil
    ) {
        self.lotDetails = lotDetails
        self.serials = serials
        self.fields = fields
        self.sku = sku
        self.location = location
        self.lines = lines
        self.count = count
        self.ownSerials = ownSerials
        self.lot = lot
        self.attributes = attributes
    }
}

/// A GTIN written with 14 digits, as GS1 data carries it.
func gtin14(_ gtin: String) -> String {
    String(repeating: "0", count: max(0, 14 - gtin.utf8.count)) + gtin
}

extension Inventory {
    /// Commissions new units of serialized products at a location.
    /// - Throws: ``InputError`` (nothing to do, unknown product or location, bad field) or ``BatchRejected``.
    public func receive(_ request: ReceiveRequest, context: EventContext) async throws -> Outcome {
        try await retryingConflicts {
            let catalogue = try await store.products()
            let product = try request.sku.map { sku throws(InputError) in
                guard let product = catalogue.first(where: { $0.sku == sku }) else {
                    throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(sku))'")
                }
                return product
            }
            func requireSerialized(_ product: Product) throws(InputError) {
                guard product.tracking == .serialized else {
                    throw InputError(
                        code: .wrongTrackingMode,
                        message:
                            "product '\(Limits.quote(product.sku))' is \(product.tracking.rawValue)-tracked; only serialized products receive units by serial"
                    )
                }
            }
            if let product { try requireSerialized(product) }
            _ = try await requirePlace(request.location)
            if let lot = request.lot { try Field.serial(lot, name: "lot") }
            _ = try Field.attributes(request.attributes)

            var lines = request.lines
            var counter: SerialCounterChange?
            var typedByHand = request.serials == nil && request.count == nil && !request.ownSerials
            if request.count != nil || request.ownSerials || request.serials != nil {
                guard let product else {
                    throw InputError(
                        code: .invalidField, message: "--count, --serials and --own-serials need --product")
                }
                let generated = try await generateSerials(for: product, request: request, context: context)
                lines = generated.lines
                counter = generated.counter
                typedByHand = false
            }
            guard !lines.isEmpty else {
                throw InputError(
                    code: .nothingToDo,
                    message:
                        "no serials given: pass them as arguments, with --from FILE, on standard input, or use --count N"
                )
            }

            var byGTIN: [String: Product] = [:]
            for candidate in catalogue { if let gtin = candidate.gtin { byGTIN[gtin14(gtin)] = candidate } }
            var seen: [UnitKey: Int] = [:]
            var eventLines: [EventLine] = []
            var numbers: [Int] = []
            var scans: [String] = []
            var duplicates: [LineProblem] = []
            var problems: [LineProblem] = []
            eventLines.reserveCapacity(lines.count)
            for (index, line) in lines.enumerated() {
                func problem(_ message: String, _ code: InputError.Code = .unknownProduct) {
                    problems.append(
                        LineProblem(
                            line: index + 1, scan: line.serial,
                            reason: .invalid(InputError(code: code, message: message))))
                }
                var lineProduct = product
                if let gtin = line.gtin {
                    guard let named = byGTIN[gtin] else {
                        problem(
                            "GTIN \(gtin) is not the GTIN of any product; add it with `unitrace product add --gtin`")
                        continue
                    }
                    if let product, product.sku != named.sku {
                        problem("GTIN \(gtin) belongs to product \(named.sku), not \(product.sku)")
                        continue
                    }
                    lineProduct = named
                }
                guard let lineProduct else {
                    problem("serial \(line.serial) names no product: pass --product or scan a GS1 label", .invalidField)
                    continue
                }
                guard lineProduct.tracking == .serialized else {
                    problem(
                        "product '\(Limits.quote(lineProduct.sku))' is \(lineProduct.tracking.rawValue)-tracked; only serialized products receive units by serial",
                        .wrongTrackingMode)
                    continue
                }
                if typedByHand, line.gtin == nil, let template = lineProduct.serialTemplate {
                    do throws(InputError) {
                        try template.validate(line.serial)
                    } catch {
                        problems.append(LineProblem(line: index + 1, scan: line.serial, reason: .invalid(error)))
                        continue
                    }
                }
                let serial: String
                do throws(InputError) {
                    serial = lineProduct.canonicalSerial(try Field.serial(line.serial))
                } catch {
                    problems.append(LineProblem(line: index + 1, scan: line.serial, reason: .invalid(error)))
                    continue
                }
                let key = UnitKey(sku: lineProduct.sku, serial: serial)
                if let first = seen[key] {
                    duplicates.append(
                        LineProblem(line: index + 1, scan: line.serial, reason: .duplicateScan(firstLine: first)))
                    continue
                }
                seen[key] = index + 1
                eventLines.append(
                    EventLine(
                        unit: key, aliases: line.aliases.isEmpty ? nil : line.aliases, lot: line.lot ?? request.lot,
                        attributes: request.attributes.isEmpty ? nil : request.attributes, expiry: line.expiry))
                numbers.append(index + 1)
                scans.append(line.serial)
            }
            var event = newEvent(.receive, context: context, location: request.location, lines: eventLines)
            event.lots = try await lotDefinition(request, product: product)
            let counters = counter.flatMap { change in product.map { [$0.sku: change] } } ?? [:]
            let receipt: BatchReceipt
            do {
                receipt = try await commit(
                    [Draft(event: event, lineNumbers: numbers, scans: scans)], earlier: problems,
                    serialCounters: counters)
            } catch let rejected as BatchRejected {
                // Serials made from a counter that another receipt has used since: not a bad line, a race. Start
                // again from the new counter.
                for (sku, change) in counters where try await store.nextSerialNumber(sku: sku) != change.expected {
                    throw StoreError(.conflict, "the serial counter of \(sku) moved while the receipt was prepared")
                }
                throw rejected
            }
            var outcome = Outcome(receipt: receipt, units: eventLines.map(\.unit), duplicates: duplicates)
            outcome.recalled = try await recallFlags(Set(outcome.units))
            return outcome
        }
    }

    /// The lot a receipt of serialized units defines: the request's lot with its details, when the ledger does
    /// not know it yet. Details given for a known lot must be the ones it was defined with.
    private func lotDefinition(_ request: ReceiveRequest, product: Product?) async throws -> [Lot]? {
        guard let details = request.lotDetails, !details.isEmpty else { return nil }
        guard let code = request.lot, let product else {
            throw InputError(
                code: .invalidField, message: "lot details (made on, run, supplier) need --product and --lot")
        }
        let lot = try Lot(
            sku: product.sku, code: code, madeOn: details.madeOn, expiry: details.expiry,
            bestBefore: details.bestBefore, supplier: details.supplier, run: details.run
        ).validated(for: product)
        let key = LotKey(sku: product.sku, code: code)
        guard let known = try await store.lots([key])[key] else { return [lot] }
        guard known == lot else {
            throw InputError(
                code: .lotMismatch, message: "lot \(code) of \(product.sku) is already defined with other details")
        }
        return nil
    }

    /// Moves units between places (bins, zones, sites) without a shipment.
    public func move(_ scans: [String], product: String? = nil, to location: String, context: EventContext) async throws
        -> Outcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            return try await act(.move, scans: scans, product: product, context: context, location: location)
        }
    }

    /// Ships units to another location or to a customer (`customer` set): they go in transit.
    public func ship(
        _ scans: [String], product: String? = nil, toLocation: String? = nil, toCustomer: String? = nil,
        context: EventContext
    ) async throws -> Outcome {
        try await retryingConflicts {
            let destination = try await shipDestination(toLocation: toLocation, toCustomer: toCustomer)
            return try await act(
                .ship, scans: scans, product: product, context: context, location: nil, destination: destination)
        }
    }

    /// Where a shipment goes: a place of ours, or `customer:<reference>`. Exactly one must be given.
    func shipDestination(toLocation: String?, toCustomer: String?) async throws -> String {
        switch (toLocation, toCustomer) {
        case (let code?, nil):
            _ = try await requirePlace(code)
            return code
        case (nil, let customer?):
            try Field.serial(customer, name: "customer reference")
            return "customer:\(customer)"
        default:
            throw InputError(
                code: .invalidField, message: "ship needs exactly one destination: a location or a customer")
        }
    }

    /// Records that units in transit arrived: at `location`, or where each was headed.
    public func arrive(_ scans: [String], product: String? = nil, at location: String?, context: EventContext)
        async throws -> Outcome
    {
        try await retryingConflicts {
            if let location { _ = try await requirePlace(location) }
            return try await act(.arrive, scans: scans, product: product, context: context, location: location)
        }
    }

    /// Sells units in stock to a customer. Where a sale may happen is ``EventRules``' to say.
    public func sell(_ scans: [String], product: String? = nil, sale: Sale?, context: EventContext) async throws
        -> Outcome
    {
        try await retryingConflicts {
            try await act(
                .sell, scans: scans, product: product, context: context, location: sale?.storeCode, sale: sale)
        }
    }

    /// Takes sold units back at a location; they are *returned* until released or quarantined.
    public func returnUnits(_ scans: [String], product: String? = nil, to location: String, context: EventContext)
        async throws -> Outcome
    {
        try await retryingConflicts {
            _ = try await requirePlace(location)
            return try await act(.return, scans: scans, product: product, context: context, location: location)
        }
    }

    /// Holds units back from sale.
    public func quarantine(_ scans: [String], product: String? = nil, context: EventContext) async throws -> Outcome {
        try await retryingConflicts {
            try await act(.quarantine, scans: scans, product: product, context: context, location: nil)
        }
    }

    /// Puts quarantined or returned units back in stock.
    public func release(_ scans: [String], product: String? = nil, context: EventContext) async throws -> Outcome {
        try await retryingConflicts {
            try await act(.release, scans: scans, product: product, context: context, location: nil)
        }
    }

    /// Takes units out of existence for good.
    public func scrap(_ scans: [String], product: String? = nil, context: EventContext) async throws -> Outcome {
        try await retryingConflicts {
            try await act(.scrap, scans: scans, product: product, context: context, location: nil)
        }
    }

    /// The shared shape of every use case on existing units: resolve, build one event, validate, commit.
    func act(
        _ kind: EventKind, scans: [String], product: String?, context: EventContext, location: String?,
        destination: String? = nil, sale: Sale? = nil
    ) async throws -> Outcome {
        let split = try await splitContainers(scans)
        let resolved =
            split.hasUnits
            ? split.renumbered(try await resolve(split.rest, product: product))
            : (lines: [], problems: [], duplicates: [])
        let event = newEvent(
            kind, context: context, location: location, destination: destination, sale: sale,
            lines: resolved.lines.map { EventLine(unit: $0.unit) })
        var draft = Draft(event: event, lineNumbers: resolved.lines.map(\.line), scans: resolved.lines.map(\.scan))
        var problems = resolved.problems
        // A container moves with all it holds (``ContainerLifecycle``).
        if !split.containers.isEmpty {
            let expanded = try await withContainers(draft, named: split.containers)
            draft = expanded.draft
            problems = (problems + expanded.problems).sorted { $0.line < $1.line }
        }
        let receipt = try await commit([draft], earlier: problems)
        var outcome = Outcome(
            receipt: receipt, units: draft.event.units.map(\.unit), duplicates: resolved.duplicates,
            containers: draft.event.containers ?? [])
        outcome.recalled = try await recallFlags(Set(outcome.units))
        return outcome
    }

    /// Serials made by the product's template: `--count` new ones, the numbers and ranges of `--serials`,
    /// or `own` aliases for given serials. Random blocks are drawn again until no serial is taken.
    func generateSerials(
        for product: Product, request: ReceiveRequest, context: EventContext
    ) async throws -> (lines: [ReceiveLine], counter: SerialCounterChange?) {
        let template = product.serialTemplate ?? .default
        let when = context.occurredAt ?? environment.now()
        let month = Int(((when.millisecondsSince1970 + Int64(when.offsetSeconds) * 1000) / 86_400_000 + 719_468))
            .monthOfCivilDay
        var fields: [String: String] = [:]
        for (key, value) in product.attributes { fields[key.uppercased()] = value }
        for (key, value) in request.fields { fields[key.uppercased()] = value }
        let start = try await store.nextSerialNumber(sku: product.sku)
        let random = environment.random
        func make(_ number: Int64) throws(InputError) -> String {
            try template.serial(sequence: number, year: when.year, month: month, fields: fields, random: random)
        }

        var lines = request.lines
        var next = start
        if let count = request.count {
            try Field.positive(count, name: "count", maximum: 1_000_000)
            guard lines.isEmpty, request.serials == nil else {
                throw InputError(code: .invalidField, message: "give serials, --serials or --count, not several")
            }
            lines = try (0..<Int64(count)).map { offset throws(InputError) in
                ReceiveLine(serial: try make(start + offset))
            }
            next = start + Int64(count)
        } else if let spec = request.serials {
            guard lines.isEmpty else {
                throw InputError(code: .invalidField, message: "give serials or --serials, not both")
            }
            for item in try SerialEntry.expand(spec, nextFree: start) {
                switch item {
                case .number(let number):
                    lines.append(ReceiveLine(serial: try make(number)))
                    next = max(next, number + 1)
                case .literal(let serial):
                    lines.append(ReceiveLine(serial: serial))
                }
            }
        } else {
            for index in lines.indices {
                lines[index].aliases.append(Alias(kind: .own, value: try make(start + Int64(index))))
            }
            next = start + Int64(lines.count)
        }

        // A random block can, rarely, draw a serial that exists: draw those again.
        if template.usesRandom, request.serials == nil {
            for _ in 0..<10 {
                let values = request.count != nil ? lines.map(\.serial) : lines.compactMap { $0.aliases.last?.value }
                var taken = Set<String>()
                if request.count != nil {
                    let keys = Set(values.map { UnitKey(sku: product.sku, serial: $0) })
                    taken = Set(try await store.states(of: keys).keys.map(\.serial))
                } else {
                    taken = Set(try await store.aliasOwners(of: Set(values)).keys)
                }
                var seen = Set<String>()
                var redrawn = false
                for index in lines.indices {
                    let value = values[index]
                    if taken.contains(value) || !seen.insert(value).inserted {
                        let fresh = try make(start + Int64(index))
                        if request.count != nil {
                            lines[index].serial = fresh
                        } else {
                            lines[index].aliases[lines[index].aliases.count - 1].value = fresh
                        }
                        redrawn = true
                    }
                }
                if !redrawn { break }
            }
        }
        let counter = template.usesSequence && next > start ? SerialCounterChange(expected: start, next: next) : nil
        return (lines, counter)
    }
}

extension Int {
    /// The month (1–12) of a day counted from 0000-03-01 (days since 1970 plus 719,468).
    fileprivate var monthOfCivilDay: Int {
        let era = (self >= 0 ? self : self - 146_096) / 146_097
        let dayOfEra = self - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        return mp < 10 ? mp + 3 : mp - 9
    }
}
