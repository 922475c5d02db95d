import Foundation
import UnitraceCore

extension Inventory {
    /// Checks every quantity line of the drafts new to the ledger: it fits its event and its product, its lot
    /// exists (or the batch defines it) and, when the event hands stock to a customer, has not expired; and,
    /// with `checkLevels`, no row goes below zero, taking the drafts in order. Imported events keep their
    /// history and are only held to the last: the store refuses any row going below zero in every case.
    func stockProblems(_ drafts: [Draft], corrected: [UUID: Event] = [:], checkLevels: Bool) async throws
        -> [LineProblem]
    {
        // An error declaration moves stock back: it is checked by the corrected event's quantity lines.
        // A production's inputs are numbered after its outputs, as its movements are (``StockMovements``).
        func lines(of event: Event) -> [QuantityLine] {
            guard let source = event.kind == .correct ? event.corrects.flatMap({ corrected[$0] }) : event else {
                return []
            }
            return (source.quantities ?? []) + (source.kind == .produce ? source.inputs ?? [] : [])
        }
        let quantityDrafts = drafts.filter {
            (!lines(of: $0.event).isEmpty || !($0.event.lots ?? []).isEmpty) && $0.event.epcis == nil
        }
        guard !quantityDrafts.isEmpty else { return [] }
        var problems: [LineProblem] = []
        func problem(_ index: Int, _ line: QuantityLine, _ error: InputError) {
            let lot = line.lot.map { " lot \($0)" } ?? ""
            problems.append(LineProblem(line: index + 1, scan: "\(line.sku)\(lot)", reason: .invalid(error)))
        }
        var products: [String: Product] = [:]
        var lotKeys = Set<LotKey>()
        for draft in quantityDrafts {
            for line in lines(of: draft.event) {
                if products[line.sku] == nil, let product = try await store.product(sku: line.sku) {
                    products[line.sku] = product
                }
                if let lot = line.lot { lotKeys.insert(LotKey(sku: line.sku, code: lot)) }
            }
            for lot in draft.event.lots ?? [] { lotKeys.insert(LotKey(sku: lot.sku, code: lot.code)) }
        }
        var lots = lotKeys.isEmpty ? [:] : try await store.lots(lotKeys)
        // A lot is defined once: by the first event that brings it in.
        for (index, draft) in quantityDrafts.enumerated() {
            for lot in draft.event.lots ?? [] {
                let key = LotKey(sku: lot.sku, code: lot.code)
                if lots[key] != nil {
                    problems.append(
                        LineProblem(
                            line: index + 1, scan: "\(lot.sku) lot \(lot.code)",
                            reason: .invalid(
                                InputError(
                                    code: .lotMismatch, message: "lot \(lot.code) of \(lot.sku) is already defined"))))
                }
                lots[key] = lot
            }
        }

        for draft in quantityDrafts where draft.expected == nil {
            do {
                try StockMovements.check(draft.event)
            } catch {
                problems.append(LineProblem(line: 1, scan: draft.event.kind.rawValue, reason: .invalid(error)))
                continue
            }
            let event = draft.event
            for (index, line) in ((event.quantities ?? []) + (event.kind == .produce ? event.inputs ?? [] : []))
                .enumerated()
            {
                guard let product = products[line.sku] else {
                    problem(
                        index, line,
                        InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(line.sku))'"))
                    continue
                }
                do throws(InputError) {
                    try StockRules.check(line, product: product)
                    if let code = line.lot {
                        guard let lot = lots[LotKey(sku: line.sku, code: code)] else {
                            throw InputError(
                                code: .unknownLot,
                                message: "lot '\(Limits.quote(code))' of \(line.sku) is not known; receive it first")
                        }
                        try StockRules.check(lot, in: draft.event)
                    }
                } catch {
                    problem(index, line, error)
                }
            }
        }
        guard checkLevels, problems.isEmpty else { return problems }

        var movements: [(draft: Int, StockMovement)] = []
        for (index, draft) in quantityDrafts.enumerated() {
            let undone = draft.event.corrects.flatMap { corrected[$0] }
            for movement in Projections.movements(of: draft.event, correcting: undone) {
                movements.append((index, movement))
            }
        }
        let taken = Set(movements.filter { $0.1.delta < .zero }.map(\.1.key))
        guard !taken.isEmpty else { return problems }
        var levels = try await store.stockLevels(of: taken)
        for (draftIndex, movement) in movements {
            let before = levels[movement.key, default: .zero]
            let after = before + movement.delta
            if after < .zero, taken.contains(movement.key) {
                let line = lines(of: quantityDrafts[draftIndex].event)[movement.line]
                let unit = products[line.sku]?.uom.map { " \($0)" } ?? ""
                problem(
                    movement.line, line,
                    InputError(
                        code: .insufficientStock,
                        message: "only \(before)\(unit) of \(movement.key) to take \(-movement.delta)\(unit) from"))
                continue
            }
            levels[movement.key] = after
        }
        return problems
    }
}

extension Inventory {
    /// How the stored lots, quantity rows and sales tally differ from what the ledger's events add up to
    /// (`totals`): one problem per kind, with an example; none when they agree.
    func stockDifferences(from totals: Projections.StockTotals) async throws -> [String] {
        var problems: [String] = []
        var stored: [StockKey: Quantity] = [:]
        var cursor: StockKey?
        while true {
            let page = try await store.allStockLevels(after: cursor, limit: 5_000)
            guard let last = page.last else { break }
            cursor = last.key
            for level in page { stored[level.key] = level.quantity }
        }
        if stored != totals.levels {
            let keys = Set(stored.keys).union(totals.levels.keys).filter { stored[$0] != totals.levels[$0] }.sorted()
            let first = keys[0]
            problems.append(
                "\(keys.count) stock row(s) differ from what the ledger adds up to, first \(first): stored \(stored[first] ?? .zero), ledger \(totals.levels[first] ?? .zero); repair with `unitrace rebuild`"
            )
        }
        var lots: [LotKey: Lot] = [:]
        for product in try await store.products() where product.tracking != .bulk {
            for lot in try await store.lots(sku: product.sku) { lots[LotKey(sku: lot.sku, code: lot.code)] = lot }
        }
        if lots != totals.lots {
            let keys = Set(lots.keys).union(totals.lots.keys).filter { lots[$0] != totals.lots[$0] }.sorted()
            problems.append(
                "\(keys.count) lot(s) differ from the lots the ledger's receipts define, first \(keys[0].code) of \(keys[0].sku); repair with `unitrace rebuild`"
            )
        }
        if try await store.allSales() != totals.sales {
            problems.append("the sales tally differs from the ledger's sales; repair with `unitrace rebuild`")
        }
        return problems
    }
}
