import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory
import UnitraceSQLite

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a store with a worked example: an electric-car maker, its plant, warehouse and dealers.",
        discussion: """
            Creates the store if needed. A store that holds real data is refused; a store made by an earlier demo \
            is replaced.
            """)
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            let path = store.path
            let inventory: Inventory
            if store.isPostgres {
                let existing: any InventoryStore
                do { existing = try await store.createStore() } catch let error as StoreError
                    where error.code == .alreadyExists
                {
                    existing = try await store.openStore()
                }
                guard try await existing.head().sequence == 0, try await existing.products().isEmpty else {
                    throw InputError(
                        code: .invalidField,
                        message: "the database already holds data; run the demo on a new database or a SQLite file")
                }
                inventory = Inventory(store: existing)
            } else {
                inventory = Inventory(store: try await sqliteDemoStore(path))
            }
            let summary = try await inventory.loadDemo()
            let db = store.db.map { _ in " --db \(store.displayPath)" } ?? ""
            output.emit(summary) {
                """
                demo store \(store.displayPath): \(summary.products) products, \(summary.locations) locations, \(summary.units) units, \(summary.events) events
                try:  unitrace show\(db) \(summary.featuredUnit)
                      unitrace trace down\(db) \(summary.noisyCar)
                      unitrace find\(db) --attr body=suv --attr color=red
                      unitrace stock\(db) --location LYON
                      unitrace stock levels\(db)
                      unitrace expiring\(db) --within 30d
                      unitrace asn show\(db) \(summary.openNotice)
                      unitrace verify\(db)
                """
            }
        }
    }

    /// A new store at `path`, replacing one an earlier demo made; a store with real data is refused.
    private func sqliteDemoStore(_ path: String) async throws -> SQLiteStore {
        if FileManager.default.fileExists(atPath: path) {
            let existing = try SQLiteStore.open(path: path)
            let isDemo = try await existing.meta("demo") == "true"
            let head = try await existing.head()
            let hasProducts = !(try await existing.products().isEmpty)
            if !isDemo, head.sequence > 0 || hasProducts {
                throw InputError(
                    code: .invalidField,
                    message: "\(path) already holds data; run the demo with --db on a new file")
            }
            if isDemo {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        let sqlite =
            FileManager.default.fileExists(atPath: path)
            ? try SQLiteStore.open(path: path) : try SQLiteStore.create(path: path)
        try await sqlite.setMeta("demo", "true")
        return sqlite
    }
}
