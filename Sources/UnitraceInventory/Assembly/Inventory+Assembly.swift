import Foundation
import UnitraceCore

/// What a person or a client asks to fit into a unit, or take out of one.
public struct AssemblyRequest: Hashable, Sendable {
    /// A scan of the parent unit (the car).
    public var parent: String
    /// Scans of the components (the motor, the battery pack).
    public var components: [String]
    /// Where the work happens; by default where the parent is, when that is one of our places.
    public var location: String?
    /// The work is a repair (service context): parts may be fitted into, or taken out of, a sold or scrapped
    /// unit.
    public var repair: Bool

    public init(parent: String, components: [String], location: String? = nil, repair: Bool = false) {
        self.parent = parent
        self.components = components
        self.location = location
        self.repair = repair
    }
}

/// What an install or removal recorded.
public struct AssemblyOutcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    public var kind: EventKind
    public var parent: UnitKey
    public var components: [UnitKey]
    public var location: String
    public var duplicates: [LineProblem]
}

extension Inventory {
    /// Fits components into a parent unit, all or none. Each component must be in stock and loose; the parent
    /// cannot end up inside one of its own components; a sold or scrapped parent takes parts only in a repair.
    /// - Throws: ``InputError`` or ``BatchRejected`` naming every refused line; nothing is written.
    public func install(_ request: AssemblyRequest, context: EventContext) async throws -> AssemblyOutcome {
        try await retryingConflicts { try await recordAssembly(.install, request, context: context) }
    }

    /// Takes components out of the parent they are installed in, all or none: each is in stock again where the
    /// work happens.
    public func remove(_ request: AssemblyRequest, context: EventContext) async throws -> AssemblyOutcome {
        try await retryingConflicts { try await recordAssembly(.remove, request, context: context) }
    }

    private func recordAssembly(_ kind: EventKind, _ request: AssemblyRequest, context: EventContext) async throws
        -> AssemblyOutcome
    {
        let parent = try await unit(request.parent)
        guard !request.components.isEmpty else {
            throw InputError(code: .nothingToDo, message: "nothing to \(kind): name the components")
        }
        let resolved = try await resolve(request.components, product: nil)
        // Line 1 is the parent; the components follow, numbered as given after it.
        var problems = resolved.problems.map { LineProblem(line: $0.line + 1, scan: $0.scan, reason: $0.reason) }
        var components: [ScannedLine] = []
        for line in resolved.lines {
            if line.unit == parent {
                let violation = RuleViolation(
                    rule: .installIntoItself, unit: parent, status: nil, event: kind,
                    detail: "a unit cannot be fitted into or taken out of itself")
                problems.append(LineProblem(line: line.line + 1, scan: line.scan, reason: .rule(violation)))
            } else {
                components.append(ScannedLine(line: line.line + 1, scan: line.scan, unit: line.unit))
            }
        }
        if components.isEmpty { throw BatchRejected(problems: problems) }
        guard let state = try await store.states(of: [parent])[parent] else {
            throw InputError(code: .unknownUnit, message: "'\(Limits.quote(request.parent))' names no known unit")
        }
        let place: String
        if let code = request.location {
            place = code
        } else if try await store.location(code: state.location).map({ !$0.kind.isBuiltIn }) ?? false {
            place = state.location
        } else {
            throw InputError(
                code: .invalidField,
                message:
                    "\(parent) is \(state.location == BuiltInLocation.customer ? "at a customer" : "at \(state.location)"): say where the work happens with --at LOCATION"
            )
        }
        var event = newEvent(
            kind, context: context, location: place,
            lines: [EventLine(unit: parent)] + components.map { EventLine(unit: $0.unit) })
        event.parent = parent
        if request.repair { event.businessStep = Assembly.serviceStep }
        let draft = Draft(
            event: event, lineNumbers: [1] + components.map(\.line),
            scans: [request.parent] + components.map(\.scan))
        let receipt = try await commit([draft], earlier: problems)
        return AssemblyOutcome(
            receipt: receipt, kind: kind, parent: parent, components: components.map(\.unit), location: place,
            duplicates: resolved.duplicates.map { LineProblem(line: $0.line + 1, scan: $0.scan, reason: $0.reason) })
    }

    /// The components of every install in `drafts` that would end up inside themselves, as line problems. The
    /// parents' chains are read from the store once and followed through the batch's own earlier lines
    /// (`working`), so two installs in one batch cannot make a loop either.
    func assemblyChains(of drafts: [Draft]) async throws -> [UnitKey: UnitState] {
        var chain: [UnitKey: UnitState] = [:]
        var level = Set(drafts.compactMap { $0.event.kind == .install ? $0.event.parent : nil })
        var depth = 0
        while !level.isEmpty, depth < 64 {
            depth += 1
            let states = try await store.states(of: level)
            chain.merge(states) { _, new in new }
            level = Set(states.values.compactMap(\.parent)).subtracting(chain.keys)
        }
        return chain
    }

    /// The units `parent` is installed in, innermost first, as `states` give them.
    static func ancestors(of parent: UnitKey, in states: (UnitKey) -> UnitState?) -> [UnitKey] {
        var result: [UnitKey] = []
        var seen: Set<UnitKey> = [parent]
        var cursor = states(parent)?.parent
        while let next = cursor, seen.insert(next).inserted {
            result.append(next)
            cursor = states(next)?.parent
        }
        return result
    }
}

extension Inventory {
    /// How the stored assembly table differs from what the ledger's installs and removals add up to: at most
    /// one problem, naming the first component whose links differ.
    func assemblyDifferences(from replay: AssemblyReplay, pageSize: Int = 2_000) async throws -> [String] {
        let expected = replay.sorted
        var stored: [AssemblyLink] = []
        var cursor: AssemblyLink?
        while true {
            let page = try await store.allAssemblyLinks(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            stored += page
            cursor = last
        }
        let differing = Set(stored).symmetricDifference(expected)
        if !differing.isEmpty {
            let first = differing.min()?.child.description ?? ""
            return [
                "the assembly table differs from the ledger's installs and removals in \(differing.count) link(s), first of \(first); repair with `unitrace rebuild`"
            ]
        }
        let outermost = OutermostReplay(links: expected)
        let spells = Set(try await store.outermostSpells()).symmetricDifference(outermost.spells)
        if let first = spells.min(by: { $0.unit < $1.unit }) {
            return [
                "the outermost units' past spells differ from the ledger's installs and removals in \(spells.count) spell(s), first of \(first.unit); repair with `unitrace rebuild`"
            ]
        }
        let now = try await store.outermostUnits()
        let wanted = outermost.outermost.mapValues { OutermostNow(unit: $0.unit, sinceMs: $0.sinceMs) }
        let moved = Set(now.keys).union(wanted.keys).filter { now[$0] != wanted[$0] }
        guard let first = moved.min() else { return [] }
        return [
            "the outermost unit of \(moved.count) unit(s) differs from the ledger's installs and removals, first \(first); repair with `unitrace rebuild`"
        ]
    }
}
