import ArgumentParser
import Foundation
import UnitraceCore
import UnitraceInventory

struct EPCISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis", abstract: "Exchange events with partners as GS1 EPCIS 2.0 documents.",
        subcommands: [EPCISImport.self, EPCISExport.self, EPCISHash.self])
}

/// Reads a file in 1 MiB chunks: a JSON document of any size in flat memory.
func fileChunks(_ path: String) throws -> EPCISDocument.Chunks {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw InputError(code: .invalidField, message: "cannot read \(path)")
    }
    return {
        let data = handle.readData(ofLength: 1 << 20)
        if data.isEmpty { try? handle.close() }
        return data.isEmpty ? nil : [UInt8](data)
    }
}

struct EPCISImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Record the events of EPCIS 2.0 documents (JSON, JSON-LD or XML).",
        discussion: """
            Each document is checked whole first: one that breaks the standard is refused with the JSON path of \
            its first fault, and nothing of it is stored. Events about objects Unitrace does not track are kept \
            as observations. An event already recorded (the same event ID) is recorded once.
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "Who captured the events (default: $UNITRACE_ACTOR, else the login name).") var actor: String?
    @Argument(help: "The documents.") var files: [String]
    @Option(parsing: .unconditional, help: "Events per transaction.") var batchSize: Int = 1_000

    func run() async throws {
        let output = store.output
        try await reporting(output) {
            guard !files.isEmpty else { throw InputError(code: .nothingToDo, message: "name at least one document") }
            let inventory = try await store.openInventory()
            let context = EventContext(actor: EventOptions.actor(given: actor))
            var total = EPCISImportReport()
            for file in files {
                let report = try await inventory.importEPCIS(
                    open: { try fileChunks(file) }, context: context, batchSize: batchSize)
                total.events += report.events
                total.observations += report.observations
                total.applied += report.applied
                total.skipped += report.skipped
                total.batches += report.batches
                if !output.json {
                    print(
                        "\(file): \(report.events) events, \(report.applied) applied to tracked units, "
                            + "\(report.observations) recorded as observations"
                            + (report.skipped > 0 ? ", \(report.skipped) already recorded" : ""))
                }
            }
            if output.json { output.emit(total) { "" } }
        }
    }
}

struct EPCISHash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the CBV 2.0 event hash of each event of EPCIS 2.0 documents; store nothing.",
        discussion: """
            One `ni:///sha-256;…?ver=CBV2.0` a line, in document order — the ID Unitrace gives an event that \
            comes without one, and that a partner computes to check that both sides agree. A document is \
            checked as `epcis import` checks it.
            """)
    @Flag(name: .customLong("json"), help: "Print JSON: the hash and the pre-hash string of each event.") var json =
        false
    @Flag(help: "Print each event's pre-hash string under its hash.") var preHash = false
    @Argument(help: "The documents.") var files: [String]

    struct Line: Encodable {
        var file: String
        var hash: String
        var preHash: String
    }

    func run() async throws {
        let output = Output(json: json)
        try await reporting(output) {
            guard !files.isEmpty else { throw InputError(code: .nothingToDo, message: "name at least one document") }
            var lines: [Line] = []
            for file in files {
                try await EPCISDocument.read(open: { try fileChunks(file) }) { captured in
                    let hash = EPCISEventHash.id(of: captured.event)
                    if json {
                        lines.append(Line(file: file, hash: hash, preHash: EPCISEventHash.preHash(of: captured.event)))
                    } else {
                        print(hash)
                        if preHash { print(EPCISEventHash.preHash(of: captured.event)) }
                    }
                }
            }
            if json { output.emit(lines) { "" } }
        }
    }
}

struct EPCISExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the ledger, or part of it, as an EPCIS 2.0 document (JSON-LD, or XML).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var export: ExportOptions
    @Option(help: "Only events that happened at this location or beneath it.") var location: String?
    @Option(help: "Only events with this CBV business step (shipping, receiving, …).") var step: String?
    @Flag(help: "Write EPCIS 2.0 XML instead of JSON-LD.") var xml = false

    func run() async throws {
        let printer = Output(json: false)
        try await reporting(printer) {
            let inventory = try await store.openInventory()
            let filter = try export.filter()
            let output = export.output
            let handle = try outputHandle(output)
            var buffer = Data()
            buffer.reserveCapacity(1 << 20)
            let count = try await inventory.exportEPCIS(
                filter, location: location, businessStep: step, format: xml ? .xml : .json
            ) { bytes in
                buffer.append(contentsOf: bytes)
                if buffer.count >= 1 << 20 {
                    handle.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            handle.write(buffer)
            if output != nil {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(count) events to \(output ?? "")\n".utf8))
            }
        }
    }
}
