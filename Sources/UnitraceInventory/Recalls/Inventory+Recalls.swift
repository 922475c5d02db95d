import Foundation
import UnitraceCore

/// A recall with its units, and the counts people look at.
public struct RecallReport: Hashable, Sendable {
    public var recall: Recall
    public var units: [RecallUnit]

    /// How many units are in each partition.
    public var byPartition: [RecallPartition: Int] {
        units.reduce(into: [:]) { $0[$1.partition, default: 0] += 1 }
    }

    /// How many units have each outcome.
    public var byOutcome: [RecallOutcome: Int] {
        units.reduce(into: [:]) { counts, unit in if let outcome = unit.outcome { counts[outcome, default: 0] += 1 } }
    }

    public var closedCount: Int { units.filter(\.isClosed).count }

    /// The share of units closed, 0 to 1 (1 for a recall that affects nothing).
    public var closedShare: Double { units.isEmpty ? 1 : Double(closedCount) / Double(units.count) }
}

extension RecordStore {
    func recall(id: String) async throws -> Recall? {
        try await record(.recall, id: id).map { try StoredForms.decode(Recall.self, $0, what: "recall \(id)") }
    }
}

extension Inventory {
    /// Makes a recall: computes the affected units once from `criteria`, freezes them with the criteria and the
    /// time, and, in the same transaction, quarantines those in our stock. Units fitted in other units bring
    /// those units in too (they contain an affected part). Criteria that match nothing make a recall of no
    /// units, which the answer says.
    /// - Throws: ``InputError`` for empty criteria, an unknown product, lot or run, or an id in use.
    public func createRecall(id: String, reason: String, criteria: RecallCriteria, context: EventContext)
        async throws -> RecallReport
    {
        try Field.serial(id, name: "recall")
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InputError(code: .reasonRequired, message: "a recall needs a reason: say why (--reason)")
        }
        _ = try Field.text(reason, name: "reason", limit: 1_000)
        guard !criteria.isEmpty else {
            throw InputError(
                code: .invalidField,
                message:
                    "a recall needs criteria: products, lots, runs, lines, equipment, operators, suppliers, made-on dates, serial ranges, component lots or components"
            )
        }
        try await checkKnown(criteria)
        return try await retryingConflicts {
            guard try await store.recall(id: id) == nil else {
                throw InputError(code: .invalidField, message: "recall \(id) already exists")
            }
            let affected = try await affectedUnits(criteria)
            let states = try await store.states(of: Set(affected.keys))
            let now = environment.now()
            var units: [RecallUnit] = []
            var quarantine: [UnitKey] = []
            for (key, reason) in affected.sorted(by: { $0.key < $1.key }) {
                guard let state = states[key], state.status != .voided else { continue }
                let quarantines = state.status == .inStock || state.status == .returned
                if quarantines { quarantine.append(key) }
                units.append(
                    RecallUnit(
                        unit: key, partition: RecallPartition(state.status), status: state.status,
                        location: state.location, customer: state.status == .sold ? state.owner : nil,
                        installedIn: state.parent, reason: reason, quarantined: quarantines))
            }
            var recall = Recall(
                id: id, reason: reason, criteria: criteria, createdAt: context.occurredAt ?? now,
                createdBy: context.actor)
            if quarantine.isEmpty {
                try await store.insertRecall(try NewRecall(recall: recall, units: units))
            } else {
                var eventContext = context
                eventContext.reason = "recall \(id): \(reason)"
                eventContext.documents.append(DocumentRef(type: "recall", id: id))
                let event = newEvent(
                    .quarantine, context: eventContext, location: nil, lines: quarantine.map { EventLine(unit: $0) })
                recall.quarantineEvent = event.id
                let draft = Draft(
                    event: event, lineNumbers: Array(1...quarantine.count), scans: quarantine.map(\.description))
                var batch = try await prepare([draft])
                batch.newRecall = try NewRecall(recall: recall, units: units)
                _ = try await store.commit(batch)
            }
            return RecallReport(recall: recall, units: units)
        }
    }

    /// A recall and its units.
    /// - Throws: ``InputError`` `unknown-recall`.
    public func recall(_ id: String) async throws -> RecallReport {
        guard let recall = try await store.recall(id: id) else {
            throw InputError(code: .unknownRecall, message: "unknown recall '\(Limits.quote(id))'")
        }
        return RecallReport(recall: recall, units: try await store.recallUnits(of: id))
    }

    /// Recalls, newest first, with their units.
    public func recalls(limit: Int = 100) async throws -> [RecallReport] {
        try Field.positive(limit, name: "limit", maximum: 1_000)
        var reports: [RecallReport] = []
        for body in try await store.records(.recall, state: nil, limit: limit) {
            let recall = try StoredForms.decode(Recall.self, body, what: "a recall")
            reports.append(RecallReport(recall: recall, units: try await store.recallUnits(of: recall.id)))
        }
        return reports
    }

    /// Records what became of affected units (recovered, repaired, …), all or none.
    /// - Throws: ``InputError`` for a closed recall, or a scan that names no unit of this recall.
    public func recordRecallOutcome(
        _ id: String, units scans: [String], outcome: RecallOutcome, note: String? = nil, context: EventContext
    ) async throws -> RecallReport {
        let report = try await recall(id)
        guard report.recall.state == .open else {
            throw InputError(code: .invalidField, message: "recall \(id) is closed")
        }
        if let note { _ = try Field.text(note, name: "note", limit: 1_000) }
        let resolved = try await resolve(scans, product: nil)
        var problems = resolved.problems
        var byKey: [UnitKey: RecallUnit] = [:]
        for unit in report.units { byKey[unit.unit] = unit }
        var changed: [RecallUnit] = []
        let now = context.occurredAt ?? environment.now()
        for line in resolved.lines {
            guard var unit = byKey[line.unit] else {
                problems.append(
                    LineProblem(
                        line: line.line, scan: line.scan,
                        reason: .invalid(
                            InputError(code: .invalidField, message: "\(line.unit) is not a unit of recall \(id)"))))
                continue
            }
            unit.outcome = outcome
            unit.outcomeAt = now
            unit.outcomeBy = context.actor
            unit.note = note
            changed.append(unit)
        }
        guard problems.isEmpty else { throw BatchRejected(problems: problems) }
        try await store.updateRecallUnits(changed, of: id)
        return try await recall(id)
    }

    /// Closes a recall. Refused while units are open, unless `force` is given with a reason.
    public func closeRecall(_ id: String, force: Bool = false, reason: String? = nil, context: EventContext)
        async throws -> RecallReport
    {
        let report = try await recall(id)
        guard report.recall.state == .open else {
            throw InputError(code: .invalidField, message: "recall \(id) is closed already")
        }
        let open = report.units.count - report.closedCount
        if open > 0 {
            guard force else {
                throw InputError(
                    code: .invalidField,
                    message:
                        "recall \(id) still has \(open) open unit(s): record their outcomes, or close it with --force and a reason"
                )
            }
            guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw InputError(
                    code: .reasonRequired, message: "closing recall \(id) with open units needs a reason (--reason)")
            }
            _ = try Field.text(reason, name: "reason", limit: 1_000)
        }
        var recall = report.recall
        recall.state = .closed
        recall.closedAt = context.occurredAt ?? environment.now()
        recall.closedBy = context.actor
        recall.forcedReason = open > 0 ? reason : nil
        let update = RecordUpdate(
            table: .recall, id: id, from: Recall.State.open.rawValue, to: Recall.State.closed.rawValue,
            body: try StoredForms.json(recall))
        guard try await store.updateRecord(update) else {
            throw InputError(code: .invalidField, message: "recall \(id) was closed meanwhile")
        }
        return RecallReport(recall: recall, units: report.units)
    }

    /// The open recalls that list each of `units`: what a scan of one of them must show.
    public func recallFlags(_ units: Set<UnitKey>) async throws -> [UnitKey: [String]] {
        let listed = try await store.recalls(listing: units)
        guard !listed.isEmpty else { return [:] }
        let open = Set(
            try await store.records(.recall, state: Recall.State.open.rawValue, limit: 10_000).map {
                try StoredForms.decode(Recall.self, $0, what: "a recall").id
            })
        return listed.compactMapValues { ids in
            let flagged = ids.filter(open.contains)
            return flagged.isEmpty ? nil : flagged
        }
    }

    /// Refuses criteria that name a product, lot or run the store does not know.
    private func checkKnown(_ criteria: RecallCriteria) async throws {
        var skus = Set(criteria.products)
        skus.formUnion(criteria.serialRanges.map(\.sku))
        skus.formUnion((criteria.lots + criteria.componentLots).map(\.sku))
        for sku in skus.sorted() { _ = try await requireProduct(sku) }
        for ref in (criteria.lots + criteria.componentLots).sorted() {
            let key = LotKey(sku: ref.sku, code: ref.lot)
            if try await store.lots([key])[key] == nil, try await store.units(ofLot: ref.lot, sku: ref.sku).isEmpty {
                throw InputError(code: .unknownLot, message: "unknown lot \(ref.lot) of \(ref.sku)")
            }
        }
        for id in criteria.runs.sorted() { _ = try await run(id) }
        for key in criteria.components {
            guard try await store.states(of: [key])[key] != nil else {
                throw InputError(code: .unknownUnit, message: "unknown component \(key)")
            }
        }
    }

    /// Every affected unit, with why: units that meet the criteria about themselves, the components named and
    /// those of the component lots (when no other criterion narrows them), and every unit that contains one
    /// of them now, at any depth.
    func affectedUnits(_ criteria: RecallCriteria) async throws -> [UnitKey: String] {
        var reasons: [UnitKey: String] = [:]
        var components: [UnitKey: String] = [:]
        for ref in criteria.componentLots {
            for key in try await store.units(ofLot: ref.lot, sku: ref.sku) { components[key] = "component lot \(ref)" }
            // Lots a production made from it are made of it: their units are affected too.
            for derived in try await derivedLots(of: LotKey(sku: ref.sku, code: ref.lot), limit: 1) {
                for key in try await store.units(ofLot: derived.lot.code, sku: derived.lot.sku)
                where components[key] == nil {
                    components[key] = "made from lot \(ref) (lot \(derived.lot.sku)/\(derived.lot.code))"
                }
            }
        }
        for key in criteria.components { components[key] = "component \(key)" }

        var candidates: [UnitKey: String] = [:]
        if !components.isEmpty {
            candidates = components
            for (parent, child) in try await currentAncestors(of: Set(components.keys)) {
                if candidates[parent] == nil { candidates[parent] = "contains \(child)" }
            }
        } else {
            for key in try await directCandidates(criteria) { candidates[key] = "" }
        }
        if criteria.hasDirect {
            let states = try await store.states(of: Set(candidates.keys))
            var lotKeys = Set<LotKey>()
            for state in states.values {
                if let lot = state.lot { lotKeys.insert(LotKey(sku: state.key.sku, code: lot)) }
            }
            let lots = criteria.needsLot && !lotKeys.isEmpty ? try await store.lots(lotKeys) : [:]
            var runs: [String: ProductionRun] = [:]
            if criteria.needsRun {
                for id in Set(lots.values.compactMap(\.run)) { runs[id] = try await store.run(id: id) }
            }
            for (key, why) in candidates {
                let state = states[key]
                let lot = state?.lot.flatMap { lots[LotKey(sku: key.sku, code: $0)] }
                if criteria.matches(key, lotCode: state?.lot, lot: lot, run: lot?.run.flatMap { runs[$0] }) {
                    reasons[key] = why.isEmpty ? "meets \(criteria.summary)" : why
                }
            }
        } else {
            // Components and every unit they are in now: already closed under "contains".
            return candidates
        }
        // A unit fitted in another makes the other affected too.
        for (parent, child) in try await currentAncestors(of: Set(reasons.keys)) where reasons[parent] == nil {
            reasons[parent] = "contains \(child)"
        }
        return reasons
    }

    /// The units the criteria about units themselves can only be met by, read by the narrowest index.
    private func directCandidates(_ criteria: RecallCriteria) async throws -> Set<UnitKey> {
        var keys = Set<UnitKey>()
        if !criteria.lots.isEmpty {
            for ref in criteria.lots { keys.formUnion(try await store.units(ofLot: ref.lot, sku: ref.sku)) }
        } else if criteria.needsLot {
            let skus = criteria.products.isEmpty ? try await store.products().map(\.sku) : criteria.products
            var runs: [String: ProductionRun] = [:]
            for sku in skus {
                for lot in try await store.lots(sku: sku) {
                    if criteria.needsRun, let id = lot.run, runs[id] == nil { runs[id] = try await store.run(id: id) }
                    let probe = UnitKey(sku: sku, serial: "")
                    var lotOnly = criteria
                    lotOnly.serialRanges = []
                    if lotOnly.matches(probe, lotCode: lot.code, lot: lot, run: lot.run.flatMap { runs[$0] }) {
                        keys.formUnion(try await store.units(ofLot: lot.code, sku: sku))
                    }
                }
            }
        } else {
            let skus = Set(criteria.products).union(criteria.serialRanges.map(\.sku))
            for sku in skus.sorted() { keys.formUnion(try await store.unitKeys(ofProduct: sku)) }
        }
        return keys
    }

    /// Every unit that contains one of `units` now, at any depth, with the unit below it on the way.
    private func currentAncestors(of units: Set<UnitKey>) async throws -> [(UnitKey, UnitKey)] {
        guard !units.isEmpty else { return [] }
        let links = try await store.assemblyLinks(reachableFrom: units, upward: true).filter(\.isOpen)
        var parentOf: [UnitKey: UnitKey] = [:]
        for link in links { parentOf[link.child] = link.parent }
        var result: [(UnitKey, UnitKey)] = []
        var seen = Set<UnitKey>()
        for unit in units.sorted() {
            var cursor = unit
            var steps = 0
            while let parent = parentOf[cursor], steps < 64 {
                steps += 1
                if seen.insert(parent).inserted { result.append((parent, unit)) }
                cursor = parent
            }
        }
        return result
    }
}

extension Inventory {
    /// Units new to the ledger that an open recall's criteria select: each is quarantined by an event that
    /// follows its receipt, and joins the recall, in the receipt's own transaction. A unit received from a
    /// partner after a recall was made is caught the moment it is scanned in.
    func recallCatches(_ drafts: [Draft]) async throws -> (drafts: [Draft], additions: [RecallAddition]) {
        let receipts = drafts.filter { $0.event.kind == .receive && $0.expected == nil && $0.event.epcis == nil }
        guard !receipts.isEmpty else { return ([], []) }
        let open = try await store.records(.recall, state: Recall.State.open.rawValue, limit: 10_000).map {
            try StoredForms.decode(Recall.self, $0, what: "a recall")
        }.filter { $0.criteria.hasDirect && $0.criteria.componentLots.isEmpty && $0.criteria.components.isEmpty }
        guard !open.isEmpty else { return ([], []) }
        var lots: [LotKey: Lot] = [:]
        var wanted = Set<LotKey>()
        for draft in receipts {
            for lot in draft.event.lots ?? [] { lots[LotKey(sku: lot.sku, code: lot.code)] = lot }
            for line in draft.event.units {
                if let code = line.lot { wanted.insert(LotKey(sku: line.sku, code: code)) }
            }
        }
        wanted.subtract(lots.keys)
        if !wanted.isEmpty { lots.merge(try await store.lots(wanted)) { mine, _ in mine } }
        var runs: [String: ProductionRun] = [:]
        for id in Set(lots.values.compactMap(\.run)) { runs[id] = try await store.run(id: id) }

        var caught: [(draft: Draft, line: Int)] = []
        var byRecall: [String: [RecallUnit]] = [:]
        var quarantined = Set<UnitKey>()
        for draft in receipts {
            for (index, line) in draft.event.units.enumerated() {
                let lot = line.lot.flatMap { lots[LotKey(sku: line.sku, code: $0)] }
                let run = lot?.run.flatMap { runs[$0] }
                for recall in open where recall.criteria.matches(line.unit, lotCode: line.lot, lot: lot, run: run) {
                    byRecall[recall.id, default: []].append(
                        RecallUnit(
                            unit: line.unit, partition: .inStock, status: .inStock,
                            location: draft.event.location ?? BuiltInLocation.supplier, customer: nil,
                            installedIn: nil, reason: "received after the recall; meets \(recall.criteria.summary)",
                            quarantined: true))
                    if quarantined.insert(line.unit).inserted { caught.append((draft, index)) }
                }
            }
        }
        guard !caught.isEmpty else { return ([], []) }
        let ids = byRecall.keys.sorted()
        var context = EventContext(actor: receipts[0].event.actor, occurredAt: receipts[0].event.occurredAt)
        context.reason = "recalled on receipt: \(ids.joined(separator: ", "))"
        context.documents = ids.map { DocumentRef(type: "recall", id: $0) }
        let event = newEvent(
            .quarantine, context: context, location: nil,
            lines: caught.map { EventLine(unit: $0.draft.event.units[$0.line].unit) })
        let draft = Draft(
            event: event, lineNumbers: caught.map { $0.draft.lineNumbers[$0.line] },
            scans: caught.map { $0.draft.scans[$0.line] })
        return ([draft], ids.map { RecallAddition(recall: $0, units: byRecall[$0] ?? []) })
    }
}
