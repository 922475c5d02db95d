import UnitraceCore

/// Holds for customers and orders (``Hold``), kept beside the ledger.
public protocol HoldStore: Sendable {
    /// Adds a hold. - Throws: ``StoreError`` `conflict` when the id is taken.
    func insertHold(_ hold: Hold) async throws
    func hold(id: String) async throws -> Hold?
    /// The holds on `skus` (every product when empty) not closed and running past `time`, by id.
    func activeHolds(skus: Set<String>, at time: Timestamp) async throws -> [Hold]
    /// Holds by id after `id`, at most `limit`; with `activeAt`, only those active then.
    func holds(after id: String?, limit: Int, activeAt: Timestamp?) async throws -> [Hold]
    /// Closes a hold that is open; `false` when there is none or it is closed.
    func closeHold(id: String, at time: Timestamp, outcome: Hold.Outcome) async throws -> Bool
}
