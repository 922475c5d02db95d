import Foundation
import UnitraceCore

/// What a person or a client asks to pack into a container, or take out of one.
public struct PackRequest: Hashable, Sendable {
    /// The container's SSCC, as scanned or typed.
    public var container: String
    /// Scans of the units to pack or take out.
    public var units: [String]
    public var quantities: [StockLineRequest]
    /// SSCCs of the containers to put inside it, or take out of it.
    public var containers: [String]
    /// For a pack into a new container: where it is made (by default where its content is).
    public var location: String?
    /// For an unpack: take out everything packed directly in it.
    public var everything: Bool

    public init(
        container: String, units: [String] = [], quantities: [StockLineRequest] = [], containers: [String] = [],
        location: String? = nil, everything: Bool = false
    ) {
        self.container = container
        self.units = units
        self.quantities = quantities
        self.containers = containers
        self.location = location
        self.everything = everything
    }
}

/// What a pack or unpack recorded.
public struct PackOutcome: Hashable, Sendable {
    public var receipt: BatchReceipt
    public var kind: EventKind
    public var container: String
    public var location: String
    public var units: [UnitKey]
    public var quantities: [QuantityLine]
    public var containers: [String]
    public var duplicates: [LineProblem]
}

/// What a container holds, all the way down.
public struct ContainerContent: Hashable, Sendable {
    public var state: ContainerState
    public var units: [UnitState]
    public var quantities: [PackedQuantity]
    public var containers: [ContainerContent]

    /// Units in it and in every container inside it.
    public var unitCount: Int { units.count + containers.reduce(0) { $0 + $1.unitCount } }
}

extension Inventory {
    /// Packs units, quantities and smaller containers into a container named by its SSCC: a new one is made
    /// where its content is (or at `location`), an existing one stays where it is. Everything packed must be
    /// loose and at the container's place.
    /// - Throws: ``InputError`` or ``BatchRejected``; nothing is written.
    public func pack(_ request: PackRequest, context: EventContext) async throws -> PackOutcome {
        try await retryingConflicts { try await recordPacking(.pack, request, context: context) }
    }

    /// Takes units, quantities and containers out of a container (or, with `everything`, all it holds
    /// directly): they stay where the container is, loose.
    public func unpack(_ request: PackRequest, context: EventContext) async throws -> PackOutcome {
        try await retryingConflicts { try await recordPacking(.unpack, request, context: context) }
    }

    /// A container and everything inside it, recursively, as shown to people and clients.
    /// - Throws: ``InputError`` `unknown-container`.
    public func containerView(_ text: String) async throws -> ContainerJSON {
        let content = try await container(text)
        var uoms: [String: String] = [:]
        func collect(_ node: ContainerContent) async throws {
            for packed in node.quantities where uoms[packed.sku] == nil {
                uoms[packed.sku] = try await store.product(sku: packed.sku)?.uom ?? ""
            }
            for child in node.containers { try await collect(child) }
        }
        try await collect(content)
        return ContainerJSON(content, uoms: uoms.filter { !$0.value.isEmpty })
    }

    /// The container `text` names, when it names one: an SSCC written as GS1 data, a Digital Link or an EPC
    /// URI (unknown: an error), or 18 bare digits of a known container. `nil` for anything else.
    public func containerNamed(_ text: String) async throws -> ContainerJSON? {
        let split = try await splitContainers([text])
        guard !split.containers.isEmpty else { return nil }
        return try await containerView(split.containers[0].sscc)
    }

    /// A container and everything inside it, recursively.
    /// - Throws: ``InputError`` `unknown-container`.
    public func container(_ text: String) async throws -> ContainerContent {
        let sscc = try SSCC.parse(text)
        guard let state = try await store.containers([sscc])[sscc] else {
            throw InputError(code: .unknownContainer, message: "unknown container \(sscc): nothing was packed in it")
        }
        let tree = try await contents(of: [state])
        func build(_ state: ContainerState) -> ContainerContent {
            ContainerContent(
                state: state, units: tree.units[state.sscc] ?? [], quantities: tree.quantities[state.sscc] ?? [],
                containers: (tree.children[state.sscc] ?? []).map(build))
        }
        return build(state)
    }

    private func recordPacking(_ kind: EventKind, _ request: PackRequest, context: EventContext) async throws
        -> PackOutcome
    {
        let sscc = try SSCC.parse(request.container)
        var children: [String] = []
        for text in request.containers {
            let child = try SSCC.parse(text)
            guard !children.contains(child) else {
                throw InputError(code: .invalidField, message: "container \(child) is given twice")
            }
            children.append(child)
        }
        let existing = try await store.containers([sscc])[sscc]
        var unitScans = request.units
        var requests = request.quantities
        if kind == .unpack {
            guard let existing else {
                throw InputError(
                    code: .unknownContainer, message: "unknown container \(sscc): nothing was packed in it")
            }
            if request.everything {
                guard unitScans.isEmpty, requests.isEmpty, children.isEmpty else {
                    throw InputError(
                        code: .invalidField, message: "unpack everything, or name what to take out: not both")
                }
                let inside = try await contents(of: [existing], depth: 1)
                unitScans = (inside.units[sscc] ?? []).map(\.key.description)
                requests = (inside.quantities[sscc] ?? []).map {
                    StockLineRequest(sku: $0.sku, lot: $0.lot.isEmpty ? nil : $0.lot, quantity: $0.quantity.description)
                }
                children = (inside.children[sscc] ?? []).map(\.sscc)
            }
        }
        guard !unitScans.isEmpty || !requests.isEmpty || !children.isEmpty else {
            throw InputError(
                code: .nothingToDo,
                message: kind == .pack
                    ? "nothing to pack: name units, quantities or containers"
                    : "nothing to take out of \(sscc): name units, quantities or containers, or unpack everything")
        }
        let resolved =
            unitScans.isEmpty
            ? (lines: [], problems: [], duplicates: []) : try await resolve(unitScans, product: nil)
        let lines = requests.isEmpty ? [] : try await quantityLines(kind, requests).lines
        let keys = resolved.lines.map(\.unit)
        var location = existing?.location ?? request.location
        if location == nil {
            var places = Set(try await store.states(of: Set(keys)).values.map(\.location))
            for state in try await store.containers(Set(children)).values { places.insert(state.location) }
            guard places.count == 1 else {
                throw InputError(
                    code: .invalidField,
                    message: places.isEmpty
                        ? "say where container \(sscc) is made: --at LOCATION"
                        : "the content is at \(places.sorted().joined(separator: ", ")): say where container \(sscc) is made"
                )
            }
            location = places.first
        }
        guard let place = location else { throw InputError(code: .invalidField, message: "no place for \(sscc)") }
        if existing == nil { _ = try await requirePlace(place) }
        var event = newEvent(
            kind, context: context, location: place, lines: keys.map { EventLine(unit: $0) })
        event.container = sscc
        event.containers = children.isEmpty ? nil : children
        event.quantities = lines.isEmpty ? nil : lines
        event.source = lines.isEmpty ? nil : place
        let draft = Draft(event: event, lineNumbers: resolved.lines.map(\.line), scans: resolved.lines.map(\.scan))
        let receipt = try await commit([draft], earlier: resolved.problems)
        return PackOutcome(
            receipt: receipt, kind: kind, container: sscc, location: place, units: keys, quantities: lines,
            containers: children, duplicates: resolved.duplicates)
    }

    /// Everything inside `roots`, level by level (at most `depth` levels): the containers in each container,
    /// and the units and quantities packed directly in each.
    func contents(of roots: [ContainerState], depth: Int = 64) async throws -> (
        children: [String: [ContainerState]], units: [String: [UnitState]], quantities: [String: [PackedQuantity]]
    ) {
        var children: [String: [ContainerState]] = [:]
        var all = Set(roots.map(\.sscc))
        var level = all
        var remaining = depth
        while !level.isEmpty, remaining > 1 {
            remaining -= 1
            var next = Set<String>()
            for child in try await store.containers(in: level) where all.insert(child.sscc).inserted {
                children[child.parent ?? "", default: []].append(child)
                next.insert(child.sscc)
            }
            level = next
        }
        var units: [String: [UnitState]] = [:]
        for unit in try await store.packedUnits(in: all) { units[unit.container ?? "", default: []].append(unit) }
        var quantities: [String: [PackedQuantity]] = [:]
        for packed in try await store.packedQuantities(in: all) { quantities[packed.sscc, default: []].append(packed) }
        if depth == 1 {
            for child in try await store.containers(in: all) { children[child.parent ?? "", default: []].append(child) }
        }
        return (children, units, quantities)
    }

    /// Splits scans into the containers they name (an SSCC as GS1 data, a Digital Link, an EPC URI, or as 18
    /// bare digits of a known container) and the rest.
    func splitContainers(_ scans: [String]) async throws -> ContainerScans {
        var named: [(line: Int, sscc: String)] = []
        var rest: [(line: Int, text: String)] = []
        var bare: [(line: Int, text: String)] = []
        for (index, scan) in scans.enumerated() {
            let text = scan.trimmingCharacters(in: .whitespaces)
            if Identifiers.detect(text) != nil, let parsed = try? Identifiers.parse(text), let sscc = parsed.sscc {
                named.append((index + 1, sscc))
            } else if text.utf8.count == 18, text.utf8.allSatisfy({ (48...57).contains($0) }) {
                bare.append((index + 1, text))
            } else {
                rest.append((index + 1, scan))
            }
        }
        if !bare.isEmpty {
            let known = try await store.containers(Set(bare.map(\.text)))
            for entry in bare {
                if known[entry.text] != nil { named.append((entry.line, entry.text)) } else { rest.append(entry) }
            }
        }
        rest.sort { $0.line < $1.line }
        return ContainerScans(containers: named, rest: rest.map(\.text), restLines: rest.map(\.line))
    }

    /// The event `draft` becomes when its scans name containers: every container inside them listed too, their
    /// units added as lines (each with its container's scan), their quantities as the event's quantities.
    /// A container scan that cannot be taken is a problem of its line.
    func withContainers(_ draft: Draft, named: [(line: Int, sscc: String)]) async throws -> (
        draft: Draft, problems: [LineProblem]
    ) {
        var draft = draft
        var event = draft.event
        guard ContainerLifecycle.moving.contains(event.kind) else {
            let problems = named.map { entry in
                LineProblem(
                    line: entry.line, scan: entry.sscc,
                    reason: .invalid(
                        InputError(
                            code: .packingRefused,
                            message:
                                "SSCC \(entry.sscc) names a container: \(event.kind) its content after unpacking it, or move, ship or arrive the container"
                        )))
            }
            return (draft, problems)
        }
        let roots = try await store.containers(Set(named.map(\.sscc)))
        let problems = named.filter { roots[$0.sscc] == nil }.map { entry in
            LineProblem(
                line: entry.line, scan: entry.sscc,
                reason: .invalid(
                    InputError(
                        code: .unknownContainer, message: "unknown container \(entry.sscc): nothing was packed in it")))
        }
        guard problems.isEmpty else { return (draft, problems) }
        let tree = try await contents(of: named.compactMap { roots[$0.sscc] })
        var listed: [String] = []
        var seen = Set<UnitKey>(event.units.map(\.unit))
        var totals: [LotKey: Quantity] = [:]
        var places = Set<String>()
        func walk(_ sscc: String, line: Int, scan: String) {
            guard !listed.contains(sscc) else { return }
            listed.append(sscc)
            for unit in tree.units[sscc] ?? [] where seen.insert(unit.key).inserted {
                event.units.append(EventLine(unit: unit.key))
                draft.lineNumbers.append(line)
                draft.scans.append(scan)
            }
            for packed in tree.quantities[sscc] ?? [] {
                totals[LotKey(sku: packed.sku, code: packed.lot), default: .zero] += packed.quantity
            }
            for child in tree.children[sscc] ?? [] { walk(child.sscc, line: line, scan: scan) }
        }
        for entry in named {
            if let root = roots[entry.sscc] {
                places.insert(event.kind == .arrive ? root.destination ?? "" : root.location)
            }
            walk(entry.sscc, line: entry.line, scan: entry.sscc)
        }
        event.containers = listed
        if !totals.isEmpty {
            var lines: [QuantityLine] = []
            for key in totals.keys.sorted() {
                let product = try await requireProduct(key.sku)
                lines.append(
                    try QuantityLine(
                        sku: key.sku, lot: key.code.isEmpty ? nil : key.code, quantity: totals[key]!.description,
                        uom: product.uom))
            }
            guard places.count == 1, let place = places.first, !place.isEmpty else {
                throw InputError(
                    code: .packingRefused,
                    message: "containers with quantities inside move together only from one place to one place")
            }
            event.quantities = lines
            switch event.kind {
            case .arrive:
                guard !place.hasPrefix("customer:") else { break }
                event.source = place
                if event.location == nil { event.location = place }
            default:
                event.source = place
            }
        }
        draft.event = event
        return (draft, [])
    }
}

/// Scans split into the containers they name and the rest, each with its line in the input.
struct ContainerScans {
    var containers: [(line: Int, sscc: String)]
    var rest: [String]
    var restLines: [Int]

    /// Whether the rest must be resolved to units: there is some, or there are no containers either.
    var hasUnits: Bool { containers.isEmpty || !rest.isEmpty }

    /// `resolved`, whose lines count the rest alone, numbered by the whole input.
    func renumbered(_ resolved: (lines: [ScannedLine], problems: [LineProblem], duplicates: [LineProblem])) -> (
        lines: [ScannedLine], problems: [LineProblem], duplicates: [LineProblem]
    ) {
        guard !containers.isEmpty else { return resolved }
        func line(_ number: Int) -> Int { restLines.indices.contains(number - 1) ? restLines[number - 1] : number }
        return (
            resolved.lines.map { ScannedLine(line: line($0.line), scan: $0.scan, unit: $0.unit) },
            resolved.problems.map { LineProblem(line: line($0.line), scan: $0.scan, reason: $0.reason) },
            resolved.duplicates.map { LineProblem(line: line($0.line), scan: $0.scan, reason: $0.reason) }
        )
    }
}

/// The containers and packed quantities the ledger's events add up to: what `verify` and the audit compare
/// the stored ones with.
public struct ContainerReplay: Sendable {
    public var states: [String: ContainerState] = [:]
    public var packed: [String: [LotKey: Quantity]] = [:]

    public init() {}

    /// Every packed quantity, by container, product and lot.
    public var quantities: [PackedQuantity] {
        packed.keys.sorted().flatMap { sscc in
            packed[sscc]!.keys.sorted().map { key in
                PackedQuantity(sscc: sscc, sku: key.sku, lot: key.code, quantity: packed[sscc]![key]!)
            }
        }
    }

    /// Adds `event`, recorded at `sequence`. - Throws: ``InputError`` when it breaks a packing rule.
    public mutating func add(_ event: Event, sequence: Int64) throws(InputError) {
        guard event.epcis == nil, event.container != nil || event.containers != nil else { return }
        for var state in try ContainerLifecycle.apply(event, to: states) {
            state.version = sequence
            states[state.sscc] = state
        }
        for change in PackedQuantity.changes(of: event) {
            let key = LotKey(sku: change.sku, code: change.lot)
            let total = packed[change.sscc, default: [:]][key, default: .zero] + change.quantity
            packed[change.sscc, default: [:]][key] = total == .zero ? nil : total
            if packed[change.sscc]?.isEmpty == true { packed[change.sscc] = nil }
        }
    }
}

extension Inventory {
    /// The container changes of a batch, each container once, and the problems of the drafts that break a
    /// packing rule: validated in order against the stored containers (or those a batch still being written
    /// leaves), the containers above each pack's target included, so that no container ends up inside itself.
    func containerChanges(_ drafts: [Draft], pending: PendingBatch?) async throws -> (
        problems: [LineProblem], changes: [CommitBatch.ContainerChange]
    ) {
        var named = Set<String>()
        for draft in drafts where draft.event.epcis == nil {
            named.formUnion(ContainerLifecycle.named(by: draft.event))
        }
        guard !named.isEmpty else { return ([], []) }
        var current = try await store.containers(named.subtracting(pending?.containers.keys ?? [:].keys))
        if let pending { for sscc in named { if let state = pending.containers[sscc] { current[sscc] = state } } }
        // The containers above each one, up to the outermost.
        var frontier = Set(current.values.compactMap(\.parent)).subtracting(current.keys)
        while !frontier.isEmpty {
            let found = try await store.containers(frontier)
            current.merge(found) { old, _ in old }
            frontier = Set(found.values.compactMap(\.parent)).subtracting(current.keys)
        }
        var working = current
        var order: [String] = []
        var last: [String: Int] = [:]
        var problems: [LineProblem] = []
        for (index, draft) in drafts.enumerated() where draft.event.epcis == nil {
            let event = draft.event
            guard event.container != nil || event.containers != nil else { continue }
            do {
                for state in try ContainerLifecycle.apply(event, to: working) {
                    if last[state.sscc] == nil { order.append(state.sscc) }
                    working[state.sscc] = state
                    last[state.sscc] = index
                }
                if event.kind == .unpack, let sscc = event.container, let lines = event.quantities, !lines.isEmpty {
                    let packed = try await store.packedQuantities(in: [sscc])
                    for line in lines {
                        let have = packed.first { $0.sku == line.sku && $0.lot == (line.lot ?? "") }?.quantity ?? .zero
                        let want = (try? Quantity(parsing: line.quantity)) ?? .zero
                        if have < want {
                            let lot = line.lot.map { " lot \($0)" } ?? ""
                            throw InputError(
                                code: .insufficientStock,
                                message: "container \(sscc) holds \(have) of \(line.sku)\(lot), not \(want)")
                        }
                    }
                }
            } catch let error as InputError {
                problems.append(
                    LineProblem(
                        line: draft.lineNumbers.first ?? 1,
                        scan: event.container ?? event.containers?.first ?? event.kind.rawValue,
                        reason: .invalid(error)))
            }
        }
        let changes = order.map { sscc in
            CommitBatch.ContainerChange(before: current[sscc], after: working[sscc]!, lastItem: last[sscc]!)
        }
        return (problems, changes)
    }
}

extension Inventory {
    /// Every stored container by SSCC, read a page at a time.
    func storedContainers(pageSize: Int) async throws -> [String: ContainerState] {
        var stored: [String: ContainerState] = [:]
        var cursor: String?
        while true {
            let page = try await store.allContainers(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            cursor = last.sscc
            for state in page { stored[state.sscc] = state }
        }
        return stored
    }

    /// How the stored containers and packed quantities differ from what the ledger's events add up to
    /// (`replay`): one problem per kind, with an example; none when they agree.
    func containerDifferences(from replay: ContainerReplay, pageSize: Int = 2_000) async throws -> [String] {
        let stored = try await storedContainers(pageSize: pageSize)
        var problems: [String] = []
        if stored != replay.states {
            let differing = Set(stored.keys).union(replay.states.keys).filter { stored[$0] != replay.states[$0] }
            problems.append(
                "\(differing.count) container(s) differ from what the ledger's packs and moves add up to, first \(differing.min() ?? ""); repair with `unitrace rebuild`"
            )
        }
        var packed: [String: [LotKey: Quantity]] = [:]
        for row in try await store.allPackedQuantities() {
            packed[row.sscc, default: [:]][LotKey(sku: row.sku, code: row.lot)] = row.quantity
        }
        if packed != replay.packed {
            let differing = Set(packed.keys).union(replay.packed.keys).filter { packed[$0] != replay.packed[$0] }
            problems.append(
                "the quantities packed in \(differing.count) container(s) differ from the ledger's packs, first \(differing.min() ?? ""); repair with `unitrace rebuild`"
            )
        }
        return problems
    }
}
