import Foundation
import UnitraceCore

/// Which units failed, for a cause analysis.
public enum FailureSource: Hashable, Sendable {
    /// Units with a failed inspection, of this procedure when one is named.
    case inspections(procedure: String?)
    /// Units returned with a reason, one that contains this text when one is given (`noise`).
    case returns(reason: String?)
    /// A list of units by any identifier.
    case units([String])
}

/// A factor a unit's failure may share with others: where it, or a part inside it, came from.
public enum CauseFactor: String, Hashable, Sendable, CaseIterable, Codable {
    case lot
    case supplier
    case run
    case line
    case equipment
    case `operator`
    case shift
    case madeOnWeek = "made-on-week"
    case componentLot = "component-lot"
    case componentSupplier = "component-supplier"
    case componentRun = "component-run"
    case componentLine = "component-line"
}

/// One factor value and how strongly it goes with failure.
public struct CauseFinding: Hashable, Sendable {
    public var factor: CauseFactor
    public var value: String
    public var statistics: FactorStatistics
    /// Other factor values held by exactly the same units (a run's line, equipment, operator and shift): the
    /// data cannot tell them apart, so they are one finding.
    public var sameUnits: [(factor: CauseFactor, value: String)] = []

    public static func == (lhs: CauseFinding, rhs: CauseFinding) -> Bool {
        (lhs.factor, lhs.value, lhs.statistics) == (rhs.factor, rhs.value, rhs.statistics)
            && lhs.sameUnits.map(\.factor) == rhs.sameUnits.map(\.factor)
            && lhs.sameUnits.map(\.value) == rhs.sameUnits.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(factor)
        hasher.combine(value)
    }
}

/// What a cause analysis found: the failed units, the population they are compared with, and the factor
/// values ranked by Fisher's p-value (strongest first), those that go with more failure only.
public struct CauseAnalysis: Hashable, Sendable {
    public var products: [String]
    public var failed: [UnitKey]
    public var population: Int
    public var findings: [CauseFinding]
}

extension Inventory {
    /// Ranks the factors failed units share — their lot, supplier, run, line, equipment, operator, shift and
    /// made-on week, and the same for every part ever fitted in them — by comparing each value's failure rate
    /// with the rest of the units of the same products (relative risk with a 95 % interval, Fisher's exact
    /// p-value). Failures come from failed inspections, returns with a reason, or a list of units; `since`
    /// bounds the ledger read for the first two.
    /// - Throws: ``InputError`` for an unknown product or unit, or no failed unit found.
    public func causes(
        of source: FailureSource, product: String? = nil, since: Timestamp? = nil, limit: Int = 10
    ) async throws -> CauseAnalysis {
        try Field.positive(limit, name: "limit", maximum: 1_000)
        if let product { _ = try await requireProduct(product) }
        var failed = Set<UnitKey>()
        switch source {
        case .units(let scans):
            let resolved = try await resolve(scans, product: product)
            guard resolved.problems.isEmpty else { throw BatchRejected(problems: resolved.problems) }
            failed = Set(resolved.lines.map(\.unit))
        case .inspections, .returns:
            failed = try await failedUnits(source, product: product, since: since)
        }
        if let product { failed = failed.filter { $0.sku == product } }
        guard !failed.isEmpty else {
            throw InputError(code: .nothingToDo, message: "no failed unit found: nothing to compare")
        }
        let products = product.map { [$0] } ?? Set(failed.map(\.sku)).sorted()
        var population: [UnitKey] = []
        for sku in products { population += try await store.unitKeys(ofProduct: sku) }
        let factors = try await causeFactors(of: population)
        var failedWith: [FactorValue: Int] = [:]
        var with: [FactorValue: Int] = [:]
        var holders: [FactorValue: [Int]] = [:]
        var failedCount = 0
        for (index, unit) in population.enumerated() {
            let isFailed = failed.contains(unit)
            if isFailed { failedCount += 1 }
            for value in factors[unit] ?? [] {
                with[value, default: 0] += 1
                holders[value, default: []].append(index)
                if isFailed { failedWith[value, default: 0] += 1 }
            }
        }
        let total = population.count
        var findings: [CauseFinding] = []
        var groups: [[Int]: Int] = [:]
        let order = Dictionary(uniqueKeysWithValues: CauseFactor.allCases.enumerated().map { ($1, $0) })
        for (value, count) in failedWith.sorted(by: {
            (order[$0.key.factor] ?? 0, $0.key.value) < (order[$1.key.factor] ?? 0, $1.key.value)
        }) {
            let all = with[value] ?? count
            let statistics = FactorStatistics(
                failedWith: count, failedWithout: failedCount - count, fineWith: all - count,
                fineWithout: total - all - (failedCount - count))
            // A value every unit shares tells nothing apart; one that goes with less failure is no cause.
            guard all < total, statistics.rateWith > statistics.rateWithout else { continue }
            let units = holders[value] ?? []
            if let index = groups[units] {
                findings[index].sameUnits.append((value.factor, value.value))
                continue
            }
            groups[units] = findings.count
            findings.append(CauseFinding(factor: value.factor, value: value.value, statistics: statistics))
        }
        findings.sort {
            ($0.statistics.fisherPValue, -$0.statistics.relativeRisk, $0.factor.rawValue, $0.value)
                < ($1.statistics.fisherPValue, -$1.statistics.relativeRisk, $1.factor.rawValue, $1.value)
        }
        return CauseAnalysis(
            products: products, failed: failed.filter { Set(population).contains($0) }.sorted(), population: total,
            findings: Array(findings.prefix(limit)))
    }

    /// Units with a failed inspection or a return with a reason, read from the ledger (from `since`).
    private func failedUnits(_ source: FailureSource, product: String?, since: Timestamp?) async throws
        -> Set<UnitKey>
    {
        var found = Set<UnitKey>()
        var cursor: Int64 = 0
        let filter = EventFilter(sku: product, from: since)
        while true {
            let page = try await store.events(after: cursor, limit: 1_000, matching: filter)
            guard let last = page.last else { break }
            cursor = last.sequence
            for recorded in page {
                let event = recorded.event
                switch source {
                case .inspections(let procedure):
                    guard event.kind == .inspect, let inspection = event.inspection, inspection.result == .fail,
                        procedure == nil || inspection.procedure == procedure
                    else { continue }
                case .returns(let reason):
                    guard event.kind == .return, let given = event.reason else { continue }
                    if let reason, given.range(of: reason, options: .caseInsensitive) == nil { continue }
                case .units:
                    continue
                }
                for line in event.units { found.insert(line.unit) }
            }
        }
        return found
    }

    /// Each unit's factor values: its own lot's origin, and the origin of every part ever fitted in it.
    private func causeFactors(of units: [UnitKey]) async throws -> [UnitKey: Set<FactorValue>] {
        let links = try await store.assemblyLinks(reachableFrom: Set(units), upward: false)
        var children: [UnitKey: Set<UnitKey>] = [:]
        for link in links { children[link.parent, default: []].insert(link.child) }
        var keys = Set(units)
        for link in links { keys.insert(link.child) }
        let states = try await store.states(of: keys)
        let lotKeys = Set(states.values.compactMap { state in state.lot.map { LotKey(sku: state.key.sku, code: $0) } })
        let lots = lotKeys.isEmpty ? [:] : try await store.lots(lotKeys)
        var runs: [String: ProductionRun] = [:]
        for id in Set(lots.values.compactMap(\.run)) { runs[id] = try await store.run(id: id) }

        func origin(_ unit: UnitKey, component: Bool) -> [FactorValue] {
            guard let state = states[unit], let code = state.lot else { return [] }
            let lot = lots[LotKey(sku: unit.sku, code: code)]
            let run = lot?.run.flatMap { runs[$0] }
            let name = "\(unit.sku)/\(code)"
            if component {
                return [
                    FactorValue(.componentLot, name), lot?.supplier.map { FactorValue(.componentSupplier, $0) },
                    lot?.run.map { FactorValue(.componentRun, $0) }, run.map { FactorValue(.componentLine, $0.line) },
                ].compactMap { $0 }
            }
            return [
                FactorValue(.lot, name), lot?.supplier.map { FactorValue(.supplier, $0) },
                lot?.run.map { FactorValue(.run, $0) }, run.map { FactorValue(.line, $0.line) },
                run?.equipment.map { FactorValue(.equipment, $0) }, run?.operator.map { FactorValue(.operator, $0) },
                run?.shift.map { FactorValue(.shift, $0) }, lot?.madeOn.map { FactorValue(.madeOnWeek, $0.isoWeek) },
            ].compactMap { $0 }
        }
        var result: [UnitKey: Set<FactorValue>] = [:]
        for unit in units {
            var values = Set(origin(unit, component: false))
            var seen: Set<UnitKey> = [unit]
            var queue = Array(children[unit] ?? [])
            while let part = queue.popLast() {
                guard seen.insert(part).inserted else { continue }
                values.formUnion(origin(part, component: true))
                queue += children[part] ?? []
            }
            result[unit] = values
        }
        return result
    }
}

private struct FactorValue: Hashable {
    var factor: CauseFactor
    var value: String

    init(_ factor: CauseFactor, _ value: String) {
        self.factor = factor
        self.value = value
    }
}

extension CalendarDay {
    /// The ISO 8601 week it falls in, `2026-W40`.
    public var isoWeek: String {
        let weekday = ((daysSince1970 + 3) % 7 + 7) % 7  // Monday 0; 1970-01-01 was a Thursday
        let thursday = CalendarDay(daysSince1970: daysSince1970 - weekday + 3)
        let year = String(thursday.description.prefix(4))
        let first = (try? CalendarDay(parsing: "\(year)-01-01").daysSince1970) ?? thursday.daysSince1970
        let week = (thursday.daysSince1970 - first) / 7 + 1
        return "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }
}
