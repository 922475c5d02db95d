import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database file in the background. SQLite would otherwise do it
/// inside whichever commit crosses its threshold, and that request would wait for the copy and its syncs
/// to disk (a spike of several milliseconds every thousand pages). A passive checkpoint on a connection of
/// its own never blocks the writer or the readers.
final class Checkpointer: Sendable {
    /// Commits between two checkpoints.
    static let interval = 200

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "unitrace.sqlite.checkpoint", qos: .utility)
    private let state = Mutex((commits: 0, running: false))

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Counts a commit; every ``interval`` commits, starts a checkpoint unless one is running.
    func committed() {
        let start = state.withLock { state in
            state.commits += 1
            guard state.commits >= Self.interval, !state.running else { return false }
            state.commits = 0
            state.running = true
            return true
        }
        guard start else { return }
        queue.async {
            // A failed checkpoint loses nothing: the log keeps every page until a later one succeeds.
            try? self.connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            self.state.withLock { $0.running = false }
        }
    }
}
