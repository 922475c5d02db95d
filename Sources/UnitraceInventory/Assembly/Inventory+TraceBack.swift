import Foundation
import UnitraceCore

/// One event on the path a trace back found.
public struct BackStep: Hashable, Sendable {
    public var sequence: Int64
    /// When it happened, as the event says (ISO 8601 with offset).
    public var eventTime: String
    public var type: EPCISEventType
    public var action: String?
    public var bizStep: String?
    /// Where: its business location, or else its read point.
    public var place: String?
    public var eventID: String?
    /// The identifier that brought it in.
    public var via: IdentifierName
    /// The identifiers it leads on to: a transformation's inputs, an aggregation's parent.
    public var leadsTo: [IdentifierName]
    /// Recorded by Unitrace itself (a unit's own history), not captured from a partner.
    public var own: Bool
}

/// The events that make up where a unit or lot came from, across companies.
public struct BackTrace: Hashable, Sendable {
    public var identifier: IdentifierName
    /// Every identifier followed, the first one included.
    public var identifiers: [IdentifierName]
    /// The events, oldest first.
    public var steps: [BackStep]
}

extension Inventory {
    /// Where a unit, a lot or any EPC came from: every event that names it — its own history, and the events
    /// captured from partners' EPCIS documents — and, through partners' transformation events (outputs back
    /// to inputs) and aggregation events (a child back to the case or pallet it travelled in), the events of
    /// what it was made from and shipped in, at any depth. Read from the identifier index, never by walking
    /// the ledger.
    /// - Parameter item: an EPC URI, a GS1 Digital Link, an EPC class URI, a unit by any identifier, or a lot
    ///   as `SKU/LOT`.
    /// - Throws: ``InputError`` when `item` names nothing Unitrace knows of.
    public func traceBack(_ item: String) async throws -> BackTrace {
        let catalogue = try await epcisCatalogue()
        var start: IdentifierName
        var ownUnit: UnitKey?
        if item.contains(":") {
            start = IdentifierName(canonicalizing: item)
            if let unit = EPCISMapping.unit(fromURI: item) { ownUnit = unit }
        } else if let key = UnitKey(parsing: item),
            try await store.lots([LotKey(sku: key.sku, code: key.serial)])
                .isEmpty == false
        {
            start = IdentifierName(
                canonicalizing: EPCISMapping.classURI(sku: key.sku, lot: key.serial, catalogue: catalogue))
        } else {
            let unit = try await unit(item)
            ownUnit = unit
            start = IdentifierName(canonicalizing: EPCISMapping.uri(of: unit, catalogue: catalogue))
        }
        var steps: [Int64: BackStep] = [:]
        if let ownUnit {
            for entry in try await store.history(of: ownUnit) where entry.event.epcis == nil {
                let event = entry.event
                steps[entry.sequence] = BackStep(
                    sequence: entry.sequence, eventTime: event.occurredAt.iso8601,
                    type: EPCISMapping.json(of: event, catalogue: catalogue)["type"]?.string
                        .flatMap(EPCISEventType.init(rawValue:)) ?? .object,
                    action: event.kind.epcisAction, bizStep: event.businessStep, place: event.location,
                    eventID: nil, via: start, leadsTo: [], own: true)
            }
        }
        var followed: [IdentifierName] = [start]
        var seen: Set<IdentifierName> = [start]
        var queue = [start]
        while !queue.isEmpty, followed.count <= 1_000, steps.count <= 10_000 {
            let name = queue.removeFirst()
            var sequences: [Int64] = []
            var after: Int64 = 0
            while true {
                let page = try await store.sequences(naming: [name], after: after, limit: 1_000)
                guard let last = page.last else { break }
                sequences += page
                after = last
                if page.count < 1_000 || sequences.count >= 10_000 { break }
            }
            for recorded in try await store.events(at: sequences) where steps[recorded.sequence] == nil {
                guard let captured = recorded.event.epcis else { continue }
                var next: [IdentifierName] = []
                func names(_ lists: [String], _ quantities: [String]) -> Set<IdentifierName> {
                    Set(
                        lists.flatMap { captured.list($0) }.map(IdentifierName.init(canonicalizing:))
                            + quantities.flatMap { captured.quantities($0) }.map {
                                IdentifierName(canonicalizing: $0.epcClass)
                            })
                }
                switch captured.type {
                case .transformation:
                    if names(["outputEPCList"], ["outputQuantityList"]).contains(name) {
                        next = names(["inputEPCList"], ["inputQuantityList"]).sorted()
                    }
                case .aggregation, .association:
                    if names(["childEPCs"], ["childQuantityList"]).contains(name), let parent = captured.parentID {
                        next = [IdentifierName(canonicalizing: parent)]
                    }
                default:
                    break
                }
                steps[recorded.sequence] = BackStep(
                    sequence: recorded.sequence,
                    eventTime: captured.eventTime ?? recorded.event.occurredAt.iso8601, type: captured.type,
                    action: captured.action?.rawValue, bizStep: captured.bizStep.map { CapturedMeaning.word($0) ?? $0 },
                    place: captured.bizLocation ?? captured.readPoint, eventID: captured.eventID, via: name,
                    leadsTo: next, own: false)
                for identifier in next where seen.insert(identifier).inserted {
                    followed.append(identifier)
                    queue.append(identifier)
                }
            }
        }
        guard steps.count > 0 || ownUnit != nil else {
            throw InputError(
                code: .unknownUnit, message: "no event names '\(Limits.quote(item))': nothing to trace back")
        }
        let ordered = steps.values.sorted {
            let left = (try? Timestamp(iso8601: $0.eventTime))?.millisecondsSince1970 ?? 0
            let right = (try? Timestamp(iso8601: $1.eventTime))?.millisecondsSince1970 ?? 0
            return (left, $0.sequence) < (right, $1.sequence)
        }
        return BackTrace(identifier: start, identifiers: followed, steps: ordered)
    }
}
