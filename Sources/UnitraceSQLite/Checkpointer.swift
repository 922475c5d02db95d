import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database file in the background. SQLite would otherwise do it
/// inside whichever commit crosses its threshold, and that request would wait for the copy and its syncs
/// to disk (a spike of several milliseconds every thousand pages). A passive checkpoint on a connection of
/// its own never blocks the writer or the readers. It cannot finish while the writer never pauses (an
/// import), so the writer keeps SQLite's own checkpoint as a backstop at a larger log (10,000 pages, see
/// ``SQLiteStore/configuration()``); by then most pages are already copied and that checkpoint is short.
final class Checkpointer: Sendable {
    /// Rows written (an event counts one, each of its unit lines one more) between two checkpoints.
    static let interval = 1_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "unitrace.sqlite.checkpoint", qos: .utility)
    private let state = Mutex((commits: 0, running: false))

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Counts a commit of `rows` rows; every ``interval`` rows, starts a checkpoint unless one is running.
    func committed(rows: Int) {
        let start = state.withLock { state in
            state.commits += rows
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
