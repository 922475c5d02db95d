import Foundation
import UnitraceCore

/// A query of the ledger in the terms of EPCIS 2.0's SimpleEventQuery: every condition given must hold.
/// Identifiers match in any of their forms (an EPC URI matches the Digital Link of the same object), and a
/// value ending in `*` matches every identifier it begins (`urn:epc:idpat:sgtin:0614141.107346.*`).
public struct EPCISQuery: Hashable, Sendable {
    public var eventTypes: Set<EPCISEventType>?
    public var eventTimeFrom: Timestamp?
    public var eventTimeBefore: Timestamp?
    public var recordTimeFrom: Timestamp?
    public var recordTimeBefore: Timestamp?
    public var actions: Set<EPCISAction>?
    /// Business steps, dispositions: CBV bare words or URIs.
    public var bizSteps: Set<String>?
    public var dispositions: Set<String>?
    public var readPoints: Set<String>?
    public var bizLocations: Set<String>?
    public var eventIDs: Set<String>?
    /// `epcList` (and a TransactionEvent's), `parentID`, inputs, outputs, any of them, and quantity classes.
    public var epcs: [String]?
    public var parentIDs: [String]?
    public var inputEPCs: [String]?
    public var outputEPCs: [String]?
    public var anyEPCs: [String]?
    public var epcClasses: [String]?
    /// Business transactions by type (`po`, a CBV word or URI): the event has one of these of that type.
    public var bizTransactions: [String: Set<String>] = [:]

    public init() {}

    /// Whether `fields`, an event in its EPCIS form with its record time, satisfies every condition.
    public func matches(_ event: EPCISEvent) -> Bool {
        if let eventTypes, !eventTypes.contains(event.type) { return false }
        if eventTimeFrom != nil || eventTimeBefore != nil {
            guard let time = event.eventTime.flatMap({ try? EPCISTime.parse($0) }) else { return false }
            if let eventTimeFrom, time < eventTimeFrom { return false }
            if let eventTimeBefore, !(time < eventTimeBefore) { return false }
        }
        if recordTimeFrom != nil || recordTimeBefore != nil {
            guard let time = event.fields["recordTime"]?.string.flatMap({ try? EPCISTime.parse($0) }) else {
                return false
            }
            if let recordTimeFrom, time < recordTimeFrom { return false }
            if let recordTimeBefore, !(time < recordTimeBefore) { return false }
        }
        if let actions, !(event.action.map(actions.contains) ?? false) { return false }
        if let bizSteps, !Self.word(event.bizStep, in: bizSteps) { return false }
        if let dispositions, !Self.word(event.disposition, in: dispositions) { return false }
        if let readPoints, !(event.readPoint.map(readPoints.contains) ?? false) { return false }
        if let bizLocations, !(event.bizLocation.map(bizLocations.contains) ?? false) { return false }
        if let eventIDs, !(event.eventID.map(eventIDs.contains) ?? false) { return false }
        if let epcs, !Self.any(event.list("epcList"), matches: epcs) { return false }
        if let parentIDs, !Self.any(event.parentID.map { [$0] } ?? [], matches: parentIDs) { return false }
        if let inputEPCs, !Self.any(event.list("inputEPCList"), matches: inputEPCs) { return false }
        if let outputEPCs, !Self.any(event.list("outputEPCList"), matches: outputEPCs) { return false }
        if let anyEPCs, !Self.any(event.allEPCs, matches: anyEPCs) { return false }
        if let epcClasses,
            !Self.any(
                event.quantities("quantityList").map(\.epcClass)
                    + event.quantities(
                        "childQuantityList"
                    ).map(\.epcClass), matches: epcClasses)
        {
            return false
        }
        for (type, ids) in bizTransactions {
            let wanted = CapturedMeaning.word(type)
            guard
                event.bizTransactions.contains(where: { entry in
                    entry.type.map(CapturedMeaning.word) == wanted && ids.contains(entry.id)
                })
            else { return false }
        }
        return true
    }

    /// The identifiers of the most telling identifier condition that names them exactly (no `*`): every
    /// event the query can answer names one of them. `nil` when no such condition is given.
    public var namedIdentifiers: [String]? {
        for list in [anyEPCs, epcs, parentIDs, inputEPCs, outputEPCs, epcClasses] {
            if let list, !list.isEmpty, !list.contains(where: { $0.hasSuffix("*") }) { return list }
        }
        return nil
    }

    static func word(_ value: String?, in words: Set<String>) -> Bool {
        guard let value else { return false }
        let bare = CapturedMeaning.word(value)
        return words.contains { CapturedMeaning.word($0) == bare }
    }

    /// Whether one of `identifiers` matches one of `patterns`, each compared in its canonical Digital Link
    /// form when it has one.
    static func any(_ identifiers: [String], matches patterns: [String]) -> Bool {
        let forms = identifiers.flatMap { id in [id] + (EPCISEventHash.digitalLink(id).map { [$0] } ?? []) }
        return patterns.contains { pattern in
            if pattern.hasSuffix("*") {
                let stem = pattern.dropLast()
                return forms.contains { $0.hasPrefix(stem) }
            }
            let wanted = [pattern] + (EPCISEventHash.digitalLink(pattern).map { [$0] } ?? [])
            return forms.contains(where: wanted.contains)
        }
    }
}

/// One page of a query's answer: events in their EPCIS form, oldest first.
public struct EPCISQueryPage: Sendable {
    public var events: [EPCISEvent]
    /// Where the next page starts (the ledger sequence after which to look on), `nil` when this is the last.
    public var next: Int64?
}

extension Inventory {
    /// The events that satisfy `query`, oldest first, at most `limit`, after the ledger sequence `after`.
    /// - Parameter scanLimit: how many ledger events one page reads at most before it answers with what it
    ///   found and where to go on, so that a rare match never holds a request for the whole ledger.
    public func queryEPCIS(_ query: EPCISQuery, after: Int64 = 0, limit: Int = 100, scanLimit: Int = 100_000)
        async throws -> EPCISQueryPage
    {
        try Field.positive(limit, name: "perPage", maximum: 1_000)
        let catalogue = try await epcisCatalogue()
        if let named = query.namedIdentifiers {
            return try await queryByIdentifiers(named, query, after: after, limit: limit, catalogue: catalogue)
        }
        let (query, _) = try await resolvingUnits(query, catalogue: catalogue)
        var filter = EventFilter.all
        filter.from = query.eventTimeFrom
        filter.until = query.eventTimeBefore
        var found: [EPCISEvent] = []
        var position = after
        var scanned = 0
        while scanned < scanLimit {
            let page = try await store.events(after: position, limit: min(1_000, scanLimit - scanned), matching: filter)
            guard let last = page.last else { return EPCISQueryPage(events: found, next: nil) }
            for recorded in page {
                position = recorded.sequence
                scanned += 1
                let event = try await epcisForm(of: recorded.event, catalogue: catalogue)
                if query.matches(event) {
                    found.append(event)
                    if found.count == limit { return EPCISQueryPage(events: found, next: position) }
                }
            }
            position = last.sequence
        }
        return EPCISQueryPage(events: found, next: position)
    }

    /// A query that names identifiers exactly reads only the events that name them: those the identifier
    /// index lists (captured events) and those in the history of a tracked unit a value names (Unitrace's
    /// own events), oldest first — a few reads, however long the ledger.
    private func queryByIdentifiers(
        _ identifiers: [String], _ query: EPCISQuery, after: Int64, limit: Int, catalogue: EPCISMapping.Catalogue
    ) async throws -> EPCISQueryPage {
        let (query, fromUnits) = try await resolvingUnits(query, catalogue: catalogue)
        let names = Set(identifiers.map(IdentifierName.init(canonicalizing:)))
        let chunk = 500
        var found: [EPCISEvent] = []
        var position = after
        while true {
            let indexed = try await store.sequences(naming: names, after: position, limit: chunk)
            let bound = indexed.count == chunk ? indexed.last! : Int64.max
            let candidates = Set(indexed).union(fromUnits.filter { $0 > position && $0 <= bound }).sorted()
            // Candidates are read a slice at a time, each slice in one read; a full page stops early.
            var start = 0
            while start < candidates.count {
                let slice = Array(candidates[start..<min(candidates.count, start + 64)])
                start += slice.count
                for recorded in try await store.events(at: slice) {
                    position = recorded.sequence
                    let event = try await epcisForm(of: recorded.event, catalogue: catalogue)
                    if query.matches(event) {
                        found.append(event)
                        if found.count == limit { return EPCISQueryPage(events: found, next: position) }
                    }
                }
            }
            if bound == Int64.max { return EPCISQueryPage(events: found, next: nil) }
            position = bound
        }
    }

    /// The query with each exact value of its identifier conditions that names a tracked unit also in the
    /// form Unitrace's own events name it (`urn:unitrace:unit:…` also as the unit's Digital Link), and the
    /// sequences of those units' histories.
    private func resolvingUnits(_ query: EPCISQuery, catalogue: EPCISMapping.Catalogue) async throws
        -> (EPCISQuery, Set<Int64>)
    {
        let conditions = [\EPCISQuery.anyEPCs, \.epcs, \.parentIDs, \.inputEPCs, \.outputEPCs]
        let values = Set(conditions.flatMap { query[keyPath: $0] ?? [] }.filter { !$0.hasSuffix("*") })
        guard !values.isEmpty else { return (query, []) }
        let byGTIN = Dictionary(
            catalogue.products.values.compactMap { product in product.gtin.map { ($0, product) } },
            uniquingKeysWith: { first, _ in first })
        var resolved = query
        var sequences = Set<Int64>()
        var alternates: [String: String] = [:]
        for value in values {
            guard let unit = Self.unit(named: value, byGTIN: byGTIN) else { continue }
            sequences.formUnion(try await store.history(of: unit).map(\.sequence))
            alternates[value] = EPCISMapping.uri(of: unit, catalogue: catalogue)
        }
        for condition in conditions {
            resolved[keyPath: condition] = query[keyPath: condition]?.flatMap { value in
                [value] + (alternates[value].map { [$0] } ?? [])
            }
        }
        return (resolved, sequences)
    }

    /// The event with this EPCIS event ID, and its error declaration when it has one.
    public func epcisEvents(id: String) async throws -> [EPCISEvent] {
        let catalogue = try await epcisCatalogue()
        var found: [EPCISEvent] = []
        for declares in [false, true] {
            if let recorded = try await store.event(id: Self.ledgerID(forEventID: id, declaresError: declares)) {
                found.append(try await epcisForm(of: recorded.event, catalogue: catalogue))
            }
        }
        // Unitrace's own events are named by the UUID of their ledger ID.
        return found.filter { $0.eventID == id }
    }

    func epcisCatalogue() async throws -> EPCISMapping.Catalogue {
        let products = try await store.products()
        return EPCISMapping.Catalogue(
            products: Dictionary(products.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// A recorded event as EPCIS writes it, with its record time; a correction carries the event it
    /// corrects.
    func epcisForm(of event: Event, catalogue: EPCISMapping.Catalogue) async throws -> EPCISEvent {
        var corrected: Event?
        if event.kind == .correct, let target = event.corrects, let unit = event.units.first?.unit {
            // The corrected event named the same units: find it in one unit's history.
            let entry = try await store.history(of: unit).last { $0.event.id == target }
            if let entry { corrected = try await store.event(sequence: entry.sequence)?.event }
        }
        return EPCISEvent(
            fields: EPCISMapping.json(of: event, catalogue: catalogue, corrected: corrected),
            namespaces: EPCISMapping.namespaces(of: event))
    }
}
