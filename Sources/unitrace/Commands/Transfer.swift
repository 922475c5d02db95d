import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

/// Buffers lines and writes them in large chunks.
final class LineWriter {
    private let handle: FileHandle
    private var buffer = Data()

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The file an export writes to (made anew), or standard output.
func outputHandle(_ path: String?) throws(InputError) -> FileHandle {
    guard let path else { return FileHandle.standardOutput }
    guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path)
    else { throw InputError(code: .invalidField, message: "cannot write \(path)") }
    return file
}

/// What both exports take: a product, a time range and where to write.
struct ExportOptions: ParsableArguments {
    @Option(help: "Only events that name units of this product.") var product: String?
    @Option(help: "Only events that occurred at or after this time (ISO 8601 with offset).") var since: String?
    @Option(help: "Only events that occurred before this time (ISO 8601 with offset).") var until: String?
    @Option(name: .shortAndLong, help: "Write to FILE instead of standard output.") var output: String?

    func filter() throws(InputError) -> EventFilter {
        var filter = EventFilter(sku: product)
        filter.from = try since.map { text throws(InputError) in try Timestamp(iso8601: text) }
        filter.until = try until.map { text throws(InputError) in try Timestamp(iso8601: text) }
        return filter
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the catalogue and events as JSON Lines (streamed), all or for a product, unit or time range.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var export: ExportOptions
    @Option(help: "Only events that name this unit (SKU/SERIAL, serial or alias).") var unit: String?

    func run() async throws {
        let printer = Output(json: false)
        try await reporting(printer) {
            let inventory = try await store.openInventory()
            var filter = try export.filter()
            if let unit { filter.unit = try await inventory.unit(unit) }
            let output = export.output
            let handle = try outputHandle(output)
            let writer = LineWriter(handle: handle)
            let count = try await inventory.export(filter) { writer.write($0) }
            writer.flush()
            if output != nil {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(count) events to \(output ?? "")\n".utf8))
            }
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record events from a JSON Lines file (as written by export), batch by batch, each all-or-nothing.",
        discussion: "Events already in the ledger are skipped, so a failed import can be fixed and run again.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The file ('-' or nothing for standard input).") var file: String?
    @Option(parsing: .unconditional, help: "Events per transaction.") var batchSize: Int = 1_000

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            guard (1...100_000).contains(batchSize) else {
                throw InputError(
                    code: .invalidField, message: "--batch-size must be between 1 and 100000, got \(batchSize)")
            }
            let handle: FileHandle
            if let file, file != "-" {
                guard let opened = FileHandle(forReadingAtPath: file) else {
                    throw InputError(code: .invalidField, message: "cannot read \(file)")
                }
                handle = opened
            } else {
                handle = FileHandle.standardInput
            }
            var source = FileLineSource(handle: handle)
            let report = try await store.openInventory().importLedger(from: &source, batchSize: batchSize)
            output.emit(report) {
                "imported \(report.events) events (\(report.units) unit lines) in \(report.batches) batch\(report.batches == 1 ? "" : "es")"
                    + (report.skipped > 0 ? "; skipped \(report.skipped) already recorded" : "")
                    + (report.products + report.locations > 0
                        ? "; added \(report.products) products, \(report.locations) locations" : "")
                    + (report.runs > 0 ? ", \(report.runs) production runs" : "")
            }
        }
    }
}
