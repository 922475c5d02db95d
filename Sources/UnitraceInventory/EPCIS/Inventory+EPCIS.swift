import Crypto
import Foundation
import UnitraceCore

/// What an EPCIS import recorded.
public struct EPCISImportReport: Hashable, Sendable, Codable {
    /// Events in the document.
    public var events = 0
    /// Events recorded as observations: about objects Unitrace does not track.
    public var observations = 0
    /// Events about tracked units, recorded as the verb they are (ship, arrive, sell, …).
    public var applied = 0
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
        let done = recorded.observations + recorded.applied
        return "import stopped at the batch starting at \(firstEvent), which was not recorded; "
            + (done == 0
                ? "nothing was recorded"
                : "\(done) events before it were recorded — fix the document and import it again: recorded events are skipped")
    }
}

extension Inventory {
    /// Records the events of an EPCIS 2.0 document. The whole document is checked first, so a document
    /// that breaks the standard stores nothing; then its events are recorded in batches, each validated
    /// whole and committed in one transaction. An event whose ID is already in the ledger is skipped.
    ///
    /// - Parameter open: the document (JSON / JSON-LD or XML) from its start each time it is called: it is
    ///   read twice.
    /// - Throws: ``EPCISFault`` naming the first fault, or ``EPCISImportFailed``.
    public func importEPCIS(
        open: () throws -> EPCISDocument.Chunks, context: EventContext, batchSize: Int = 1_000
    ) async throws -> EPCISImportReport {
        try Field.positive(batchSize, name: "batch size", maximum: 100_000)
        var report = EPCISImportReport()
        try await EPCISDocument.read(open: open) { _ in report.events += 1 }

        var pending: [CapturedEvent] = []
        func flush() async throws {
            guard let first = pending.first else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            do {
                let recorded = try await retryingConflicts { try await commitCaptured(batch, context: context) }
                report.observations += recorded.observations
                report.applied += recorded.applied
                report.skipped += recorded.skipped
                report.batches += recorded.batches
            } catch {
                throw EPCISImportFailed(recorded: report, firstEvent: first.path, error: error)
            }
        }
        try await EPCISDocument.read(open: open) { captured in
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
        var seen = Set<UUID>()
        var pending: [(captured: CapturedEvent, event: Event)] = []
        for var captured in batch {
            if captured.event.eventID == nil {
                // The standard's ID for an event that has none: the same event captured again, in either
                // form, gets the same ID and is recorded once.
                captured.event.fields["eventID"] = .string(EPCISEventHash.id(of: captured.event))
            }
            let id = Self.ledgerID(
                forEventID: captured.event.eventID ?? "", declaresError: captured.event.isErrorDeclaration)
            guard seen.insert(id).inserted else {
                report.skipped += 1
                continue
            }
            let offset = captured.event.fields["eventTimeZoneOffset"]?.string.flatMap(EPCISTime.offsetSeconds) ?? 0
            var event = Event(
                id: id, kind: .observe,
                occurredAt: Timestamp(
                    millisecondsSince1970: captured.eventTime.millisecondsSince1970, offsetSeconds: offset),
                recordedAt: environment.now(), location: nil, actor: context.actor,
                businessStep: captured.event.bizStep ?? "other", disposition: captured.event.disposition, units: [])
            event.form = Event.currentForm
            event.epcis = captured.event
            pending.append((captured, event))
        }
        let already = try await store.recordedIDs(among: Set(pending.map(\.event.id)))
        pending.removeAll { entry in
            guard already.contains(entry.event.id) else { return false }
            report.skipped += 1
            return true
        }
        guard !pending.isEmpty else { return report }

        // Which of the events name units Unitrace tracks.
        let products = try await store.products()
        let byGTIN = Dictionary(
            products.compactMap { product in product.gtin.map { ($0, product) } },
            uniquingKeysWith: { first, _ in first })
        var named: [[(uri: String, unit: UnitKey?)]] = []
        var keys = Set<UnitKey>()
        for entry in pending {
            let uris = entry.captured.event.allEPCs
            let units = uris.map { (uri: $0, unit: Self.unit(named: $0, byGTIN: byGTIN)) }
            keys.formUnion(units.compactMap(\.unit))
            named.append(units)
        }
        let states = keys.isEmpty ? [:] : try await store.states(of: keys).filter { $0.value.status != .voided }

        var drafts: [Draft] = []
        var problems: [LineProblem] = []
        var places: [Int: String] = [:]
        for (index, entry) in pending.enumerated() {
            var event = entry.event
            let captured = entry.captured
            places[captured.number] = captured.path
            let tracked = named[index].filter { $0.unit.map { states[$0] != nil } ?? false }
            func refuse(_ error: InputError, scan: String = "") {
                problems.append(
                    LineProblem(line: captured.number, scan: scan, reason: .invalid(error), place: captured.path))
            }
            if !tracked.isEmpty {
                if tracked.count != named[index].count {
                    let other = named[index].first { entry in !tracked.contains { $0.uri == entry.uri } }?.uri ?? ""
                    refuse(
                        InputError(
                            code: .invalidField,
                            message:
                                "the event names units Unitrace tracks and objects it does not ('\(Limits.quote(other))'); capture them as two events"
                        ),
                        scan: other)
                    continue
                }
                do {
                    try await interpret(&event, units: tracked.compactMap(\.unit), states: states)
                } catch let error as InputError {
                    refuse(error, scan: tracked.first?.uri ?? "")
                    continue
                }
            }
            var draft = Draft(
                event: event, lineNumbers: Array(repeating: captured.number, count: event.units.count),
                scans: tracked.map(\.uri))
            draft.deriveDisposition = false
            drafts.append(draft)
        }
        do {
            _ = try await commit(drafts, earlier: problems)
        } catch var rejected as BatchRejected {
            for index in rejected.problems.indices where rejected.problems[index].place == nil {
                rejected.problems[index].place = places[rejected.problems[index].line]
            }
            throw rejected
        }
        report.observations += drafts.count { $0.event.kind == .observe }
        report.applied += drafts.count { $0.event.kind != .observe }
        report.batches += 1
        return report
    }

    /// The tracked unit an EPC names, if it is one: a Unitrace unit URN, or an SGTIN (EPC URI or GS1 Digital
    /// Link) of a product in the catalogue.
    static func unit(named uri: String, byGTIN: [String: Product]) -> UnitKey? {
        if let unit = EPCISMapping.unit(fromURI: uri) { return unit }
        var data: GS1Data?
        if uri.hasPrefix("urn:epc:id:sgtin:") {
            data = (try? EPC.parse(uri: uri))?.gs1
        } else if uri.hasPrefix("http://") || uri.hasPrefix("https://") {
            data = try? DigitalLink.parse(uri)
        }
        guard let gtin = data?.gtin, let serial = data?.serial, let product = byGTIN[gtin] else { return nil }
        return UnitKey(sku: product.sku, serial: product.canonicalSerial(serial))
    }

    /// Turns an observation about tracked units into the verb it is (``CapturedMeaning``), with the places and
    /// reason the verb needs. - Throws: ``InputError`` naming what the event lacks.
    private func interpret(_ event: inout Event, units: [UnitKey], states: [UnitKey: UnitState]) async throws {
        guard let captured = event.epcis else { return }
        guard captured.type == .object else {
            throw InputError(
                code: .invalidField,
                message:
                    "a \(captured.type.rawValue) about units Unitrace tracks has no Unitrace verb yet; only ObjectEvents change tracked units"
            )
        }
        let statuses = Set(units.compactMap { states[$0]?.status })
        guard let kind = CapturedMeaning.kind(of: captured, statuses: statuses) else {
            throw InputError(
                code: .invalidField,
                message:
                    "business step '\(Limits.quote(captured.bizStep ?? "none"))' on units Unitrace tracks names no Unitrace verb"
            )
        }
        let reason = CapturedMeaning.extensionText(captured, "reason")
        func knownPlace(_ uri: String?) async throws -> String? {
            guard let code = uri.flatMap(EPCISMapping.location(fromURI:)) else { return nil }
            return try await store.location(code: code) == nil ? nil : code
        }
        var location: String?
        var destination: String?
        var sale: Sale?
        var inspection: Inspection?
        switch kind {
        case .inspect:
            inspection = try CapturedMeaning.inspection(captured)
            location = try await knownPlace(captured.bizLocation)
        case .ship:
            for entry in captured.fields["destinationList"]?.array ?? [] {
                guard let id = entry["destination"]?.string else { continue }
                if let code = try await knownPlace(id) {
                    destination = code
                } else if id.hasPrefix("urn:unitrace:customer:"),
                    let customer = String(id.dropFirst(22)).removingPercentEncoding
                {
                    destination = "customer:\(customer)"
                }
            }
            guard destination != nil else {
                throw InputError(
                    code: .invalidField,
                    message:
                        "ship needs a destination Unitrace knows (urn:unitrace:location:CODE or urn:unitrace:customer:REF)"
                )
            }
        case .move, .return:
            guard let code = try await knownPlace(captured.bizLocation) else {
                throw InputError(
                    code: .invalidField,
                    message: "\(kind.rawValue) needs a bizLocation Unitrace knows (urn:unitrace:location:CODE)")
            }
            location = code
        case .arrive:
            location = try await knownPlace(captured.bizLocation)
        case .sell:
            // The channel the event names (`unitrace:channel`, as Unitrace exports it) is judged by the sale
            // rules like any other; without one, a sale at a store or pop-up of ours was made there, any other
            // sale online.
            let place = try await knownPlace(captured.bizLocation)
            var channel = CapturedMeaning.saleText(captured, "channel") ?? "online"
            if CapturedMeaning.saleText(captured, "channel") == nil, let place,
                let kind = try await store.location(code: place)?.kind, EventRules.salePlaces.contains(kind)
            {
                channel = "store:\(place)"
            }
            location = place
            sale = Sale(
                customer: CapturedMeaning.saleText(captured, "customer"), channel: channel,
                price: CapturedMeaning.saleText(captured, "price"),
                currency: CapturedMeaning.saleText(captured, "currency"))
        default:
            break
        }
        event.kind = kind
        event.location = location
        event.destination = destination
        event.sale = sale
        event.inspection = inspection
        event.reason = reason
        event.units = units.map { EventLine(unit: $0) }
        // Checked here too, so that the refusal names the event's place in the document.
        var places: [String: Location] = [:]
        for code in EventRules.placesNamed(by: event) { places[code] = try await store.location(code: code) }
        try EventRules.check(event, places: places)
    }

    /// Writes the events that match `filter` — and, when given, happened at `location` or beneath it, or
    /// with `businessStep` — as an EPCIS 2.0 document (JSON-LD or XML), oldest first; returns how many it wrote.
    public func exportEPCIS(
        _ filter: EventFilter = .all, location: String? = nil, businessStep: String? = nil,
        format: EPCISFormat = .json, pageSize: Int = 1_000, write: ([UInt8]) throws -> Void
    ) async throws -> Int {
        if let sku = filter.sku { _ = try await requireProduct(sku) }
        var places: Set<String>?
        if let location {
            _ = try await requirePlace(location)
            let all = try await store.locations()
            var found: Set<String> = [location]
            var grew = true
            while grew {
                grew = false
                for place in all where place.parent.map(found.contains) == true && !found.contains(place.code) {
                    found.insert(place.code)
                    grew = true
                }
            }
            places = found
        }
        if let businessStep { try Field.code(businessStep, name: "business step") }
        let catalogue = try await epcisCatalogue()
        var writer: any EPCISDocumentWriter =
            switch format {
            case .json: EPCISJSONWriter(creationDate: environment.now())
            case .xml: EPCISXMLWriter(creationDate: environment.now())
            }
        try write(writer.begin())
        var after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: pageSize, matching: filter)
            guard let last = page.last else { break }
            after = last.sequence
            for recorded in page {
                if let places, !places.contains(recorded.event.location ?? "") { continue }
                if let businessStep, CapturedMeaning.word(recorded.event.businessStep) != businessStep { continue }
                let event = try await epcisForm(of: recorded.event, catalogue: catalogue)
                try write(writer.append(event.fields, namespaces: event.namespaces))
            }
        }
        try write(writer.finish())
        return writer.count
    }

}
