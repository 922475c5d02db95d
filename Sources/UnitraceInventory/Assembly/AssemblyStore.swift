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
    /// Replaces the whole table with `links`: the repair ``Inventory/rebuild()`` makes.
    func replaceAssemblyLinks(with links: [AssemblyLink]) async throws
}
