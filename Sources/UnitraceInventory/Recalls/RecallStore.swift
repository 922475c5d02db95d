import UnitraceCore

/// Recall campaigns beside the ledger: each recall's record (in ``RecordStore``'s `recall` table) and the units
/// it affects, frozen when it was made, with their outcomes since.
public protocol RecallStore: Sendable {
    /// Stores a recall and its units in one transaction.
    /// - Throws: ``StoreError`` `conflict` when the id is taken.
    func insertRecall(_ recall: NewRecall) async throws
    /// The units recall `id` affects, by product and serial.
    func recallUnits(of id: String) async throws -> [RecallUnit]
    /// Writes the rows of these units of recall `id` again (their outcomes).
    func updateRecallUnits(_ units: [RecallUnit], of id: String) async throws
    /// For each of `units` that a recall lists, the ids of those recalls.
    func recalls(listing units: Set<UnitKey>) async throws -> [UnitKey: [String]]
    /// Every unit of product `sku`, by serial.
    func unitKeys(ofProduct sku: String) async throws -> [UnitKey]
}

/// A recall and the units it affects, written together: by ``RecallStore/insertRecall(_:)``, or, when the
/// recall quarantines units, inside that quarantine's commit (``CommitBatch/newRecall``).
public struct NewRecall: Sendable {
    public var recall: Recall
    public var units: [RecallUnit]
    /// The recall record's JSON.
    public var body: String

    public init(recall: Recall, units: [RecallUnit]) throws {
        self.recall = recall
        self.units = units
        self.body = try StoredForms.json(recall)
    }

    /// Each unit row's JSON, in order.
    public func unitBodies() throws -> [String] { try units.map { try StoredForms.json($0) } }
}

/// Units that join an open recall after it was made (a unit received later that meets its criteria), written
/// in the transaction of the event that brings them in.
public struct RecallAddition: Sendable {
    public var recall: String
    public var units: [RecallUnit]

    public init(recall: String, units: [RecallUnit]) {
        self.recall = recall
        self.units = units
    }

    public func unitBodies() throws -> [String] { try units.map { try StoredForms.json($0) } }
}
