import UnitraceCore

/// What a rebuild rewrote.
public struct RebuildReport: Hashable, Sendable, Codable {
    /// Events read.
    public var events: Int64 = 0
    /// Identifier index entries written.
    public var identifiers = 0
    /// Index entries that were not what the ledger gives (missing, or extra), now repaired.
    public var repaired = 0
    /// Whether the lots, quantities and sales tally differed from what the ledger gives, and were rewritten.
    public var stockRewritten = false
    /// Whether the unit tally differed from the unit rows, and was counted again.
    public var unitsRecounted = false
    /// Whether the containers and their packed quantities differed from what the ledger gives, and were
    /// rewritten.
    public var containersRewritten = false
    /// Whether the assembly table (which component is in which unit, and when) differed from the ledger's
    /// installs and removals, and was rewritten.
    public var assemblyRewritten = false

    public init() {}
}

extension Inventory {
    /// Rewrites the projections that ``Projections`` derives from the ledger, page by page, from the events
    /// themselves: the repair for an index `verify` reports as differing. The ledger is not touched, and a
    /// rebuild that stops midway leaves every page it reached correct.
    public func rebuild(pageSize: Int = 2_000) async throws -> RebuildReport {
        try Field.positive(pageSize, name: "page size", maximum: 100_000)
        var report = RebuildReport()
        var after: Int64 = 0
        var stock = Projections.StockTotals()
        var packing = ContainerReplay()
        var assembly = AssemblyReplay()
        while true {
            let page = try await store.events(after: after, limit: pageSize, matching: .all)
            guard let first = page.first, let last = page.last else { break }
            after = last.sequence
            report.events += Int64(page.count)
            for recorded in page {
                var corrected: Event?
                if recorded.event.kind == .correct, let id = recorded.event.corrects {
                    corrected = try await store.event(id: id)?.event
                }
                stock.add(recorded.event, correcting: corrected)
                assembly.add(recorded.event, sequence: recorded.sequence)
                // An event no packing rule allows is left to `verify` to report; it changes no container here.
                try? packing.add(recorded.event, sequence: recorded.sequence)
            }
            let expected = Projections.entries(of: page)
            report.identifiers += expected.count
            let stored = try await store.identifierEntries(in: first.sequence...last.sequence)
            guard stored != expected else { continue }
            report.repaired += Set(expected).symmetricDifference(stored).count
            try await store.replaceIdentifierEntries(in: first.sequence...last.sequence, with: expected)
        }
        var counts: [UnitCountKey: Int] = [:]
        var cursor: UnitKey?
        while true {
            let page = try await store.allUnits(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            cursor = last.key
            for (key, count) in Projections.unitCounts(of: page) { counts[key, default: 0] += count }
        }
        if try await store.unitCounts() != counts {
            try await store.recountUnits()
            report.unitsRecounted = true
        }
        if try await !stockDifferences(from: stock).isEmpty {
            try await store.replaceStock(with: stock)
            report.stockRewritten = true
        }
        if try await !containerDifferences(from: packing, pageSize: pageSize).isEmpty {
            try await store.replaceContainers(with: packing)
            report.containersRewritten = true
        }
        if try await !assemblyDifferences(from: assembly, pageSize: pageSize).isEmpty {
            try await store.replaceAssemblyLinks(with: assembly.sorted)
            report.assemblyRewritten = true
        }
        return report
    }
}
