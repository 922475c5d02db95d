import Foundation
import GRDB
import UnitraceCore
import UnitraceInventory

/// A batch with everything that does not need the write lock already encoded.
struct PreparedCommit: Sendable {
    let batch: CommitBatch
    let headers: [String]
    let details: [[String?]]
    let unitJSON: [(aliases: String?, attributes: String?)]

    init(_ batch: CommitBatch) throws {
        self.batch = batch
        headers = try batch.items.map { item -> String in
            var header = item.event
            header.units = []
            return try Columns.json(header)
        }
        details = try batch.items.map { item in
            try item.event.units.map { line in try LineDetail(line).map(Columns.json) }
        }
        unitJSON = try batch.changes.map { change -> (aliases: String?, attributes: String?) in
            (
                change.after.aliases.isEmpty ? nil : try Columns.json(change.after.aliases),
                change.after.attributes.isEmpty ? nil : try Columns.json(change.after.attributes)
            )
        }
    }
}

/// Group commit: batches that arrive while a transaction is being written wait for the next one, and all of
/// them are written in that one transaction, each in its own savepoint. A batch that fails (a conflict)
/// rolls back its savepoint only; the others commit. One transaction, one sync to disk, however many
/// clients are writing — so throughput grows with load, and no caller sees "database is locked".
actor GroupCommitter {
    private let writer: any DatabaseWriter
    private var pending: [(PreparedCommit, CheckedContinuation<BatchReceipt, any Error>)] = []
    private var flushing = false
    /// Most batches written in one transaction.
    private let groupLimit = 64

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func submit(_ prepared: PreparedCommit) async throws -> BatchReceipt {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((prepared, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let jobs = Array(pending.prefix(groupLimit))
            pending.removeFirst(jobs.count)
            let batches = jobs.map(\.0)
            do {
                let results = try await writer.write { db -> [Result<BatchReceipt, StoreError>] in
                    var results: [Result<BatchReceipt, StoreError>] = []
                    results.reserveCapacity(batches.count)
                    for batch in batches {
                        var receipt: BatchReceipt?
                        do {
                            try db.inSavepoint {
                                receipt = try SQLiteStore.apply(batch, db)
                                return .commit
                            }
                            results.append(.success(receipt!))
                        } catch {
                            results.append(.failure(Self.storeError(error)))
                        }
                    }
                    return results
                }
                for (job, result) in zip(jobs, results) { job.1.resume(with: result.mapError { $0 as any Error }) }
            } catch {
                for job in jobs { job.1.resume(throwing: Self.storeError(error)) }
            }
        }
        flushing = false
    }

    static func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as DatabaseError: SQLiteStore.translate(error, path: nil)
        default: StoreError(.unavailable, "the store cannot be used: \(error)")
        }
    }
}
