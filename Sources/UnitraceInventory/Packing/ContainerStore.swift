import UnitraceCore

/// Containers (cases, pallets) and what is packed in them, as the ledger's packs, unpacks and moves leave
/// them. A unit's own row says which container holds it (``UnitState/container``).
public protocol ContainerStore: Sendable {
    /// The containers among `ssccs` that exist.
    func containers(_ ssccs: Set<String>) async throws -> [String: ContainerState]
    /// The containers packed directly in one of `parents`, by SSCC.
    func containers(in parents: Set<String>) async throws -> [ContainerState]
    /// The units packed directly in one of `containers`, by product and serial.
    func packedUnits(in containers: Set<String>) async throws -> [UnitState]
    /// The quantities packed directly in one of `containers`, by container, product and lot.
    func packedQuantities(in containers: Set<String>) async throws -> [PackedQuantity]
    /// Every container, by SSCC, after `sscc`, at most `limit`: what `verify` and `audit` walk.
    func allContainers(after sscc: String?, limit: Int) async throws -> [ContainerState]
    /// Every packed quantity, by container, product and lot.
    func allPackedQuantities() async throws -> [PackedQuantity]
    /// Replaces every container and packed quantity with what the ledger adds up to: the repair
    /// ``Inventory/rebuild()`` makes.
    func replaceContainers(with replay: ContainerReplay) async throws
}

extension CommitBatch {
    /// A container an event packs, empties or moves: the state read and the state after the batch.
    public struct ContainerChange: Sendable {
        /// `nil` for a container the batch makes. The store refuses the batch with `conflict` if the
        /// container no longer has this version (or, for a new one, exists).
        public var before: ContainerState?
        public var after: ContainerState
        /// Index in `items` of the last event that changed it; its sequence becomes the version.
        public var lastItem: Int

        public init(before: ContainerState?, after: ContainerState, lastItem: Int) {
            self.before = before
            self.after = after
            self.lastItem = lastItem
        }
    }
}
