import Foundation
import UnitraceCore

/// One unit in a trace, with its origin and how it is tied to the unit it is listed under.
public struct TraceNode: Hashable, Sendable {
    public var state: UnitState
    public var productName: String
    /// The unit's lot as the ledger defined it (made on, run, supplier), when it has one that was recorded.
    public var lot: Lot?
    /// The production run that made its lot, when it was recorded.
    public var run: ProductionRun?
    /// Down: this component's time in the unit above it. Up: the time the unit below spent in this one.
    public var link: AssemblyLink?
    /// Down: the units fitted in it. Up: the units it went into.
    public var children: [TraceNode]

    /// This node and every node under it.
    public var count: Int { 1 + children.reduce(0) { $0 + $1.count } }
}

/// A lot a production made from the lot traced, with where its units are.
public struct DerivedLot: Hashable, Sendable {
    public var lot: Lot
    /// The lot it was made from directly.
    public var from: LotKey
    public var outermost: OutermostPage
}

/// What a trace found: the tree, and for a trace up, the finished units it ends in.
public struct Trace: Hashable, Sendable {
    public enum Direction: String, Sendable, Codable {
        /// What is inside a unit.
        case down
        /// Where a unit or a lot went.
        case up
    }

    public var direction: Direction
    /// Down: the instant the tree is as of (`nil`: now). Up: `nil`.
    public var at: Timestamp?
    /// The lot traced up, when a lot was asked for.
    public var lot: LotKey?
    /// Down: the one unit asked for. Up: each unit the trace starts from, with what it went into — for a lot
    /// of more than ``Trace/treeLimit`` units, none: the outermost units say where they are.
    public var roots: [TraceNode]
    /// Up: the outermost units (fitted in nothing now) that hold the units traced now or held them until they
    /// were taken out, counted by place, with one page of them.
    public var outermost: OutermostPage?
    /// Up from a lot: the lots productions made from it (and from those, at any depth), each with its units'
    /// outermost units.
    public var madeInto: [DerivedLot] = []

    /// The most units of a lot a trace up draws as a tree; a bigger lot is answered by its outermost units.
    public static let treeLimit = 200
}

extension Inventory {
    /// What is inside a unit, recursively: as it is now, or, with `at`, as it was at that instant.
    /// - Throws: ``InputError`` `unknown-unit`.
    public func traceDown(_ scan: String, at: Timestamp? = nil) async throws -> Trace {
        try await traceDown(key: try await unit(scan), at: at)
    }

    func traceDown(key: UnitKey, at: Timestamp? = nil) async throws -> Trace {
        let links = try await store.assemblyLinks(reachableFrom: [key], upward: false)
        var byParent: [UnitKey: [AssemblyLink]] = [:]
        for link in links where at.map({ link.holds(at: $0.millisecondsSince1970) }) ?? link.isOpen {
            byParent[link.parent, default: []].append(link)
        }
        var keys: Set<UnitKey> = [key]
        for list in byParent.values { for link in list { keys.insert(link.child) } }
        let details = try await traceDetails(keys)
        func node(_ unit: UnitKey, link: AssemblyLink?, path: Set<UnitKey>) -> TraceNode? {
            guard let state = details.states[unit] else { return nil }
            let children = (byParent[unit] ?? []).sorted {
                ($0.installedSequence, $0.child) < ($1.installedSequence, $1.child)
            }
            .filter { !path.contains($0.child) }
            .compactMap { node($0.child, link: $0, path: path.union([$0.child])) }
            return details.node(state, link: link, children: children)
        }
        guard let root = node(key, link: nil, path: [key]) else {
            throw InputError(code: .unknownUnit, message: "\(key) names no known unit")
        }
        return Trace(direction: .down, at: at, lot: nil, roots: [root], outermost: nil)
    }

    /// Where a unit went (`scan`), or every unit of a lot (`lot`): the outermost units that hold it now or held
    /// it until it was taken out, counted by place, with one page of them (`limit`, after `after`), read from
    /// the store's outermost index; and the tree of every unit it went into on the way, for one unit or a lot
    /// of at most ``Trace/treeLimit`` units. A path in the tree is followed only through the times the unit
    /// below really was inside: a motor removed from a car before the car went into something else does not
    /// reach it.
    /// - Throws: ``InputError`` `unknown-unit`, `unknown-product` or `unknown-lot`.
    public func traceUp(_ scan: String? = nil, lot: LotKey? = nil, after: String? = nil, limit: Int = 100)
        async throws -> Trace
    {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        let scope: TraceScope
        switch (scan, lot) {
        case (let scan?, nil):
            scope = .unit(try await unit(scan))
        case (nil, let lot?):
            _ = try await requireProduct(lot.sku)
            scope = .lot(lot)
        default:
            throw InputError(code: .invalidField, message: "trace up from one unit or one lot, not both or neither")
        }
        let cursor = try after.map { text throws(InputError) in
            guard let key = UnitKey(parsing: text) else {
                throw InputError(
                    code: .invalidField, message: "'\(Limits.quote(text))' is not a unit key (SKU/SERIAL) to page after"
                )
            }
            return key
        }
        let outermost = try await store.outermost(of: scope, after: cursor, limit: limit)
        if case .lot(let lot) = scope, outermost.members == 0, try await store.lots([lot])[lot] == nil,
            try await store.lots(madeFrom: lot).isEmpty
        {
            throw InputError(code: .unknownLot, message: "unknown lot \(lot.code) of \(lot.sku)")
        }
        var roots: [TraceNode] = []
        if outermost.members <= Trace.treeLimit {
            let starts: [UnitKey]
            switch scope {
            case .unit(let key): starts = [key]
            case .lot(let lot): starts = try await store.units(ofLot: lot.code, sku: lot.sku)
            }
            roots = try await tree(up: starts)
        }
        var trace = Trace(direction: .up, at: nil, lot: lot, roots: roots, outermost: outermost)
        if let lot { trace.madeInto = try await derivedLots(of: lot, limit: min(limit, 20)) }
        return trace
    }

    /// Every lot made from `lot` by a production, at any depth, each once, with its outermost units.
    func derivedLots(of lot: LotKey, limit: Int) async throws -> [DerivedLot] {
        var found: [DerivedLot] = []
        var seen: Set<LotKey> = [lot]
        var queue = [lot]
        while !queue.isEmpty, found.count < 1_000 {
            let from = queue.removeFirst()
            for key in try await store.lots(madeFrom: from) where seen.insert(key).inserted {
                guard let made = try await store.lots([key])[key] else { continue }
                found.append(
                    DerivedLot(
                        lot: made, from: from,
                        outermost: try await store.outermost(of: .lot(key), after: nil, limit: limit)))
                queue.append(key)
            }
        }
        return found
    }

    /// The tree of everything `starts` went into, each path only through the times it was really inside.
    private func tree(up starts: [UnitKey]) async throws -> [TraceNode] {
        let links = try await store.assemblyLinks(reachableFrom: Set(starts), upward: true)
        var byChild: [UnitKey: [AssemblyLink]] = [:]
        for link in links { byChild[link.child, default: []].append(link) }
        var keys = Set(starts)
        for link in links { keys.insert(link.parent) }
        let details = try await traceDetails(keys)
        func node(_ unit: UnitKey, link: AssemblyLink?, window: (from: Int64, to: Int64), path: Set<UnitKey>)
            -> TraceNode?
        {
            guard let state = details.states[unit] else { return nil }
            var children: [TraceNode] = []
            for next in (byChild[unit] ?? []).sorted(by: { $0.installedSequence < $1.installedSequence })
            where !path.contains(next.parent) {
                let from = max(window.from, next.installedMs)
                let to = min(window.to, next.removedMs ?? .max)
                guard from < to || (from == to && next.removedMs == nil) else { continue }
                if let child = node(next.parent, link: next, window: (from, to), path: path.union([next.parent])) {
                    children.append(child)
                }
            }
            return details.node(state, link: link, children: children)
        }
        return starts.compactMap { node($0, link: nil, window: (.min, .max), path: [$0]) }
    }

    /// The units `key` is installed in, innermost first, up to the one that is installed in nothing.
    func installedIn(_ state: UnitState) async throws -> [UnitState] {
        var chain: [UnitState] = []
        var seen: Set<UnitKey> = [state.key]
        var cursor = state.parent
        while let next = cursor, seen.insert(next).inserted, let parent = try await store.states(of: [next])[next] {
            chain.append(parent)
            cursor = parent.parent
        }
        return chain
    }

    /// The states, product names and lots of `keys`, read once each.
    private func traceDetails(_ keys: Set<UnitKey>) async throws -> TraceDetails {
        let states = try await store.states(of: keys)
        var names: [String: String] = [:]
        for product in try await store.products() { names[product.sku] = product.name }
        let lotKeys = Set(states.values.compactMap { state in state.lot.map { LotKey(sku: state.key.sku, code: $0) } })
        let lots = lotKeys.isEmpty ? [:] : try await store.lots(lotKeys)
        var runs: [String: ProductionRun] = [:]
        for id in Set(lots.values.compactMap(\.run)) { runs[id] = try await store.run(id: id) }
        return TraceDetails(states: states, names: names, lots: lots, runs: runs)
    }
}

private struct TraceDetails {
    var states: [UnitKey: UnitState]
    var names: [String: String]
    var lots: [LotKey: Lot]
    var runs: [String: ProductionRun]

    func node(_ state: UnitState, link: AssemblyLink?, children: [TraceNode]) -> TraceNode {
        let lot = state.lot.flatMap { lots[LotKey(sku: state.key.sku, code: $0)] }
        return TraceNode(
            state: state, productName: names[state.key.sku] ?? state.key.sku, lot: lot,
            run: lot?.run.flatMap { runs[$0] }, link: link, children: children)
    }
}

extension Trace {
    /// The instant a trace down is asked for: a time with its offset (`2026-10-01T12:00:00+02:00`), or a day
    /// (`2026-10-01`), which means the end of that day in UTC — everything recorded on it counts.
    /// - Throws: ``InputError`` naming the text.
    public static func instant(parsing text: String) throws(InputError) -> Timestamp {
        if text.count == 10, let day = try? CalendarDay(parsing: text) {
            return Timestamp(millisecondsSince1970: (day.daysSince1970 + 1) * 86_400_000 - 1)
        }
        do {
            return try Timestamp(iso8601: text)
        } catch {
            throw InputError(
                code: .invalidField,
                message:
                    "'\(Limits.quote(text))' is not a day (2026-10-01) or a time with its offset (2026-10-01T12:00:00+02:00)"
            )
        }
    }
}
