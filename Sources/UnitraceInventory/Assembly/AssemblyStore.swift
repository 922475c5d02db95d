import UnitraceCore

/// Which component was fitted in which parent, and when: the assembly table the ledger's installs and removals
/// leave behind (``AssemblyLink``), kept in the same transaction as those events. The trace reads it, never
/// the ledger.
public protocol AssemblyStore: Sendable {
    /// Every link reachable from `units` by following links towards parents (`upward`) or towards components,
    /// whatever their dates, each once: the store walks its indexes in one query.
    func assemblyLinks(reachableFrom units: Set<UnitKey>, upward: Bool) async throws -> [AssemblyLink]
    /// The units of product `sku` that carry lot `lot`, by serial.
    func units(ofLot lot: String, sku: String) async throws -> [UnitKey]
    /// Every link, by component then install sequence, after `cursor`, at most `limit`: what `verify` walks.
    func allAssemblyLinks(after cursor: AssemblyLink?, limit: Int) async throws -> [AssemblyLink]
    /// Replaces the whole table with `links`, and each unit's outermost unit and past spells with what they add
    /// up to (``OutermostReplay``): the repair ``Inventory/rebuild()`` makes.
    func replaceAssemblyLinks(with links: [AssemblyLink]) async throws
    /// The outermost units (fitted in nothing now) that hold the units of `scope` now or held them until they
    /// were taken out: how many, how many are at each place, and one page of them in the store's order, after
    /// the unit `after`. Read from each unit's outermost unit and the ended spells, never by walking links.
    func outermost(of scope: TraceScope, after: UnitKey?, limit: Int) async throws -> OutermostPage
    /// Every ended spell in an outermost unit, by unit: what `verify` compares with the ledger.
    func outermostSpells() async throws -> [OutermostSpell]
    /// Each unit fitted in something now, with its outermost unit and since when: what `verify` compares too.
    func outermostUnits() async throws -> [UnitKey: OutermostNow]
}

/// A unit's outermost unit now, and since when it has been inside it.
public struct OutermostNow: Hashable, Sendable {
    public var unit: UnitKey
    public var sinceMs: Int64

    public init(unit: UnitKey, sinceMs: Int64) {
        self.unit = unit
        self.sinceMs = sinceMs
    }
}

/// What a trace up starts from.
public enum TraceScope: Hashable, Sendable {
    case unit(UnitKey)
    case lot(LotKey)
}

/// How many outermost units are at one place now.
public struct PlaceCount: Hashable, Sendable {
    public var status: UnitStatus
    public var location: String
    public var count: Int

    public init(status: UnitStatus, location: String, count: Int) {
        self.status = status
        self.location = location
        self.count = count
    }
}

/// The outermost units a trace up ends in: counted, by place, and one page of them.
public struct OutermostPage: Hashable, Sendable {
    /// The units the trace starts from (the lot's units, or the one unit).
    public var members: Int
    /// Of those, how many are fitted in another unit now.
    public var installed: Int
    /// How many outermost units hold or held them.
    public var total: Int
    public var places: [PlaceCount]
    public var units: [UnitState]
    /// Where the next page starts, when there is one.
    public var next: UnitKey?

    public init(
        members: Int, installed: Int, total: Int, places: [PlaceCount], units: [UnitState], next: UnitKey?
    ) {
        self.members = members
        self.installed = installed
        self.total = total
        self.places = places
        self.units = units
        self.next = next
    }
}
