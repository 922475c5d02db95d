import Crypto
import Foundation
import UnitraceCore

/// What an EPCIS import recorded.
public struct EPCISImportReport: Hashable, Sendable, Codable {
    /// Events in the document.
    public var events = 0
    /// Events recorded as observations: about objects Unitrace does not track.
    public var observations = 0
    /// Events already in the ledger (the same event ID), recorded once.
    public var skipped = 0
    public var batches = 0

    public init() {}
}

/// An EPCIS import that stopped at a batch of events: the batches before it are recorded, this one is not.
public struct EPCISImportFailed: Error, Sendable {
    public var recorded: EPCISImportReport
    /// Where in the document the refused batch starts.
    public var firstEvent: String
    public var error: any Error
}

extension EPCISImportFailed: CustomStringConvertible {
    public var description: String {
        "import stopped at the batch starting at \(firstEvent), which was not recorded (\(error)); "
            + "\(recorded.observations) events before it were recorded — fix the document and import it again: recorded events are skipped"
    }
}

extension Inventory {
    /// Records the events of an EPCIS 2.0 document. The whole document is checked first, so a document
    /// that breaks the standard stores nothing; then its events are recorded in batches, each validated
    /// whole and committed in one transaction. An event whose ID is already in the ledger is skipped.
    ///
    /// - Parameter open: a new stream over the document each time it is called (it is read twice).
    /// - Throws: ``EPCISFault`` naming the first fault, or ``EPCISImportFailed``.
    public func importEPCIS(
        open: () throws -> JSONStream, context: EventContext, batchSize: Int = 1_000
    ) async throws -> EPCISImportReport {
        try Field.positive(batchSize, name: "batch size", maximum: 100_000)
        var stream = try open()
        var report = EPCISImportReport()
        try await EPCISJSONReader.read(&stream, reopen: open) { _ in report.events += 1 }

        var pending: [CapturedEvent] = []
        func flush() async throws {
            guard let first = pending.first else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            do {
                let recorded = try await retryingConflicts { try await commitCaptured(batch, context: context) }
                report.observations += recorded.observations
                report.skipped += recorded.skipped
                report.batches += recorded.batches
            } catch {
                throw EPCISImportFailed(recorded: report, firstEvent: first.path, error: error)
            }
        }
        stream = try open()
        try await EPCISJSONReader.read(&stream, reopen: open) { captured in
            pending.append(captured)
            if pending.count >= batchSize { try await flush() }
        }
        try await flush()
        return report
    }

    /// The ledger's ID of a captured event: the UUID of a `urn:uuid:` event ID, otherwise one derived from
    /// the event ID, so that the same event captured twice has the same ID. An error declaration carries the
    /// ID of the event it declares wrong, so its ledger ID is derived from that ID and the declaration's mark.
    static func ledgerID(forEventID eventID: String, declaresError: Bool = false) -> UUID {
        if !declaresError, eventID.lowercased().hasPrefix("urn:uuid:"),
            let uuid = UUID(uuidString: String(eventID.dropFirst(9)))
        {
            return uuid
        }
        let name = declaresError ? eventID + "#errorDeclaration" : eventID
        var bytes = Array(SHA256.hash(data: Data(name.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8: name-based, application-defined
        bytes[8] = bytes[8] & 0x3F | 0x80  // the RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    private func commitCaptured(_ batch: [CapturedEvent], context: EventContext) async throws -> EPCISImportReport {
        var report = EPCISImportReport()
        var drafts: [Draft] = []
        var seen = Set<UUID>()
        var events: [Event] = []
        for captured in batch {
            var fields = captured.event
            var eventID = fields.eventID
            if eventID == nil {
                // Until the CBV event hash is computed here, an event without an ID gets a new one.
                let assigned = "urn:uuid:\(environment.newID().uuidString.lowercased())"
                fields.fields["eventID"] = .string(assigned)
                eventID = assigned
            }
            let id = Self.ledgerID(forEventID: eventID!, declaresError: fields.isErrorDeclaration)
            guard seen.insert(id).inserted else {
                report.skipped += 1
                continue
            }
            let offset = fields.fields["eventTimeZoneOffset"]?.string.flatMap(EPCISTime.offsetSeconds) ?? 0
            let now = environment.now()
            var event = Event(
                id: id, kind: .observe,
                occurredAt: Timestamp(
                    millisecondsSince1970: captured.eventTime.millisecondsSince1970, offsetSeconds: offset),
                recordedAt: now, location: nil, actor: context.actor, businessStep: fields.bizStep ?? "other",
                disposition: fields.disposition, units: [])
            event.form = Event.currentForm
            event.epcis = fields
            events.append(event)
        }
        let already = try await store.recordedIDs(among: Set(events.map(\.id)))
        for event in events {
            if already.contains(event.id) {
                report.skipped += 1
                continue
            }
            var draft = Draft(event: event, lineNumbers: [], scans: [])
            draft.deriveDisposition = false
            drafts.append(draft)
        }
        guard !drafts.isEmpty else { return report }
        _ = try await commit(drafts)
        report.observations += drafts.count
        report.batches += 1
        return report
    }

    /// Writes the events that match `filter` as an EPCIS 2.0 JSON-LD document, oldest first; returns how
    /// many it wrote.
    public func exportEPCIS(_ filter: EventFilter = .all, pageSize: Int = 1_000, write: ([UInt8]) throws -> Void)
        async throws -> Int
    {
        if let sku = filter.sku { _ = try await requireProduct(sku) }
        let products = try await store.products()
        let catalogue = EPCISMapping.Catalogue(
            products: Dictionary(products.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first }))
        var writer = EPCISJSONWriter(creationDate: environment.now())
        try write(writer.begin())
        var after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: pageSize, matching: filter)
            guard let last = page.last else { break }
            after = last.sequence
            for recorded in page {
                var corrected: Event?
                if recorded.event.kind == .correct, let target = recorded.event.corrects,
                    let unit = recorded.event.units.first?.unit
                {
                    // The corrected event named the same units: find it in one unit's history.
                    let entry = try await store.history(of: unit).last { $0.event.id == target }
                    if let entry { corrected = try await store.event(sequence: entry.sequence)?.event }
                }
                try write(
                    writer.append(
                        EPCISMapping.json(of: recorded.event, catalogue: catalogue, corrected: corrected),
                        namespaces: EPCISMapping.namespaces(of: recorded.event)))
            }
        }
        try write(writer.finish())
        return writer.count
    }

}
