import Foundation
import GRDB
import Synchronization
import UnitraceCore
import UnitraceInventory

/// Group commit: batches that arrive while a transaction is being written wait for the next one, and all of
/// them are written in that one transaction, each in its own savepoint. A batch that fails (a conflict)
/// rolls back its savepoint only; the others commit. One transaction, one sync to disk, however many
/// clients are writing — so throughput grows with load, and no caller sees "database is locked".
///
/// The writing happens on one dedicated thread (a serial dispatch queue), never on the threads that serve
/// requests: a caller's batch costs one hand-off there and one back, whatever the sync to disk takes.
final class GroupCommitter: Sendable {
    private typealias Job = (EncodedBatch, CheckedContinuation<BatchReceipt, any Error>)
    private struct State {
        var pending: [Job] = []
        var flushing = false
    }

    private let writer: any DatabaseWriter
    private let queue = DispatchQueue(label: "unitrace.sqlite.commit", qos: .userInitiated)
    private let state = Mutex(State())
    /// Most batches written in one transaction.
    private let groupLimit = 64

    private let checkpointer: Checkpointer?

    init(writer: any DatabaseWriter, checkpointer: Checkpointer?) {
        self.writer = writer
        self.checkpointer = checkpointer
    }

    func submit(_ prepared: EncodedBatch) async throws -> BatchReceipt {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.pending.append((prepared, continuation))
                defer { state.flushing = true }
                return !state.flushing
            }
            if start { queue.async { self.flush() } }
        }
    }

    /// Writes what is pending, group after group, until nothing is left. Runs on `queue` only.
    private func flush() {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let jobs = Array(state.pending.prefix(groupLimit))
                state.pending.removeFirst(jobs.count)
                if jobs.isEmpty { state.flushing = false }
                return jobs
            }
            guard !jobs.isEmpty else { return }
            let batches = jobs.map(\.0)
            do {
                let results = try writer.write { db -> [Result<BatchReceipt, StoreError>] in
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
                checkpointer?.committed(rows: batches.reduce(0) { $0 + $1.batch.items.count + $1.batch.changes.count })
            } catch {
                for job in jobs { job.1.resume(throwing: Self.storeError(error)) }
            }
        }
    }

    static func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as DatabaseError: SQLiteStore.translate(error, path: nil)
        default: StoreError(.unavailable, "the store cannot be used: \(error)")
        }
    }
}
