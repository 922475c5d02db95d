import Foundation

/// Components fitted into parent units: a motor into a car, a cell module into a battery pack. Pure: the
/// commit, `verify`, `rebuild` and the trace share these rules.
///
/// An install or remove is one event naming its parent (EPCIS's parentID) and the components fitted or taken
/// out (its childEPCs); the parent is a line of the event too, so that its history shows the work and two
/// people working on one unit at once cannot both succeed. An installed component does nothing on its own
/// (``UnitLifecycle``): it is wherever its parent is.
public enum Assembly {
    /// The business step of an install or remove done as a repair: it may fit parts into a sold or scrapped
    /// unit, or take them out.
    public static let serviceStep = "repairing"

    /// The components an install or remove names: every line but the parent's.
    public static func components(of event: Event) -> [UnitKey] {
        guard let parent = event.parent else { return [] }
        return event.units.map(\.unit).filter { $0 != parent }
    }

    /// Checks what an install or remove must say, and that no other event names a parent.
    /// - Throws: ``InputError`` naming what is missing.
    public static func check(_ event: Event) throws(InputError) {
        guard event.kind == .install || event.kind == .remove else {
            guard event.parent == nil else {
                throw InputError(
                    code: .invalidField, message: "\(event.kind) names no parent unit; only install and remove do")
            }
            return
        }
        guard let parent = event.parent else {
            throw InputError(
                code: .invalidField,
                message: "\(event.kind) names the parent unit the components go into or come out of")
        }
        guard event.units.contains(where: { $0.unit == parent }) else {
            throw InputError(code: .invalidField, message: "\(event.kind) lists its parent \(parent) among its units")
        }
        guard !components(of: event).isEmpty else {
            throw InputError(code: .nothingToDo, message: "nothing to \(event.kind): name the components")
        }
    }

    /// Refuses an install that would put a unit inside itself. `ancestors` are the units the parent is
    /// installed in, innermost first.
    /// - Throws: ``RuleViolation`` `install-into-itself` or `install-cycle` for the first component that would.
    public static func checkCycle(_ event: Event, ancestorsOfParent ancestors: [UnitKey]) throws(RuleViolation) {
        guard event.kind == .install, let parent = event.parent else { return }
        let chain = Set(ancestors)
        for component in components(of: event) where chain.contains(component) {
            throw RuleViolation(
                rule: .installCycle, unit: component, status: nil, event: .install,
                detail: "\(parent) is inside \(component), so \(component) cannot go into it")
        }
    }

    /// The links an event opens (install) or closes (remove), in line order.
    public static func linkChanges(of event: Event) -> [LinkChange] {
        guard event.epcis == nil, event.kind == .install || event.kind == .remove, let parent = event.parent else {
            return []
        }
        let at = event.occurredAt.millisecondsSince1970
        return components(of: event).map {
            LinkChange(child: $0, parent: parent, opens: event.kind == .install, occurredMs: at)
        }
    }
}

/// An install (`opens`) or a removal of one component, as the assembly table records it.
public struct LinkChange: Hashable, Sendable {
    public var child: UnitKey
    public var parent: UnitKey
    public var opens: Bool
    public var occurredMs: Int64

    public init(child: UnitKey, parent: UnitKey, opens: Bool, occurredMs: Int64) {
        self.child = child
        self.parent = parent
        self.opens = opens
        self.occurredMs = occurredMs
    }
}

/// One time a component was fitted in a parent: from its install until its removal (open while it is still in).
public struct AssemblyLink: Hashable, Sendable, Codable, Comparable {
    public var child: UnitKey
    public var parent: UnitKey
    /// The install event's sequence and time.
    public var installedSequence: Int64
    public var installedMs: Int64
    /// The removal's sequence and time; `nil` while the component is in.
    public var removedSequence: Int64?
    public var removedMs: Int64?

    public init(
        child: UnitKey, parent: UnitKey, installedSequence: Int64, installedMs: Int64, removedSequence: Int64? = nil,
        removedMs: Int64? = nil
    ) {
        self.child = child
        self.parent = parent
        self.installedSequence = installedSequence
        self.installedMs = installedMs
        self.removedSequence = removedSequence
        self.removedMs = removedMs
    }

    /// Whether the component was in the parent at `ms` (installed at or before it, not removed by then).
    public func holds(at ms: Int64) -> Bool {
        installedMs <= ms && (removedMs.map { ms < $0 } ?? true)
    }

    public var isOpen: Bool { removedSequence == nil }

    public static func < (lhs: AssemblyLink, rhs: AssemblyLink) -> Bool {
        (lhs.child, lhs.installedSequence) < (rhs.child, rhs.installedSequence)
    }
}

/// The assembly table the ledger's installs and removals add up to: what `verify` compares and `rebuild`
/// writes.
public struct AssemblyReplay: Sendable {
    public private(set) var links: [AssemblyLink] = []
    private var open: [UnitKey: Int] = [:]

    public init() {}

    public mutating func add(_ event: Event, sequence: Int64) {
        for change in Assembly.linkChanges(of: event) {
            if change.opens {
                open[change.child] = links.count
                links.append(
                    AssemblyLink(
                        child: change.child, parent: change.parent, installedSequence: sequence,
                        installedMs: change.occurredMs))
            } else if let index = open.removeValue(forKey: change.child) {
                links[index].removedSequence = sequence
                links[index].removedMs = change.occurredMs
            }
        }
    }

    /// The links ordered as stores list them: by component, then install.
    public var sorted: [AssemblyLink] { links.sorted() }
}

/// A time a unit was inside an outermost unit (one fitted in nothing) and then left it: the part, or the unit
/// it was inside, was taken out. The stores keep these beside each unit's outermost unit now, so that a trace
/// up answers "which units hold or held this lot" from an index instead of a walk.
public struct OutermostSpell: Hashable, Sendable, Codable {
    public var unit: UnitKey
    public var outermost: UnitKey
    public var sinceMs: Int64
    public var untilMs: Int64

    public init(unit: UnitKey, outermost: UnitKey, sinceMs: Int64, untilMs: Int64) {
        self.unit = unit
        self.outermost = outermost
        self.sinceMs = sinceMs
        self.untilMs = untilMs
    }
}

/// Each unit's outermost unit, and the spells that ended, as the assembly links add up to, applied in the
/// order of their sequences. The stores apply the same two steps inside each commit; this replay is what
/// `rebuild` writes and a migration fills from the links a store already has:
/// - fitting X in Y moves X, and everything whose outermost unit was X, into Y's outermost unit (Y itself
///   when Y is loose), since that instant;
/// - taking X out of Y ends the spell of X and of everything inside X in their outermost unit; X becomes
///   loose and the units inside it have X as their outermost unit.
public struct OutermostReplay: Sendable {
    public private(set) var outermost: [UnitKey: (unit: UnitKey, sinceMs: Int64)] = [:]
    public private(set) var spells: [OutermostSpell] = []
    private var children: [UnitKey: Set<UnitKey>] = [:]

    public init() {}

    /// Replays `links` (any order): every install and removal, by sequence.
    public init(links: [AssemblyLink]) {
        var steps: [(sequence: Int64, link: AssemblyLink, opens: Bool)] = []
        for link in links {
            steps.append((link.installedSequence, link, true))
            if let removed = link.removedSequence { steps.append((removed, link, false)) }
        }
        steps.sort { ($0.sequence, $0.opens ? 1 : 0) < ($1.sequence, $1.opens ? 1 : 0) }
        for step in steps {
            let link = step.link
            apply(
                LinkChange(
                    child: link.child, parent: link.parent, opens: step.opens,
                    occurredMs: step.opens ? link.installedMs : link.removedMs ?? link.installedMs))
        }
    }

    public mutating func apply(_ change: LinkChange) {
        let (part, parent, at) = (change.child, change.parent, change.occurredMs)
        if change.opens {
            let top = outermost[parent]?.unit ?? parent
            for unit in [part] + inside(part) { outermost[unit] = (top, at) }
            children[parent, default: []].insert(part)
        } else {
            children[parent]?.remove(part)
            let below = inside(part)
            for unit in [part] + below {
                if let spell = outermost[unit] {
                    spells.append(
                        OutermostSpell(unit: unit, outermost: spell.unit, sinceMs: spell.sinceMs, untilMs: at))
                }
            }
            outermost[part] = nil
            for unit in below { outermost[unit] = (part, at) }
        }
    }

    /// Every unit fitted in `unit` now, at any depth.
    private func inside(_ unit: UnitKey) -> [UnitKey] {
        var found: [UnitKey] = []
        var seen: Set<UnitKey> = [unit]
        var queue = [unit]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where seen.insert(child).inserted {
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }
}
