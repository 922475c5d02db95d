import UnitraceCore

/// What a batch changes besides appending to the ledger, computed from its events by pure code, once,
/// outside the write transaction; each engine writes each kind through one small writer, in the same
/// transaction as the events. Everything here can be rebuilt from the ledger (``Inventory/rebuild()``), and
/// `verify` compares what is stored with what the ledger gives.
///
/// Unit state (``CommitBatch/UnitChange``) is the first projection and keeps its own writer, since it is
/// also the batch's optimistic lock; the identifier index is the first written through this seam. A new
/// projection adds a case here, its pure function, and one writer per engine.
public enum ProjectionChange: Hashable, Sendable {
    /// An event (by its index in the batch) names an identifier: what `MATCH_epc`, `MATCH_anyEPC` and the
    /// other identifier queries of EPCIS look up.
    case identifier(item: Int, IdentifierName)
}

/// An identifier as the index holds it: its canonical GS1 Digital Link when it has one (so that an EPC URI
/// and the Digital Link of one object are one entry), otherwise as written.
public struct IdentifierName: Hashable, Sendable, Comparable {
    public var value: String

    public init(canonicalizing text: String) {
        value = EPCISEventHash.digitalLink(text) ?? text
    }

    public init(stored: String) {
        value = stored
    }

    public static func < (lhs: IdentifierName, rhs: IdentifierName) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }
}

/// One entry of the identifier index.
public struct IdentifierEntry: Hashable, Sendable {
    public var sequence: Int64
    public var identifier: IdentifierName

    public init(sequence: Int64, identifier: IdentifierName) {
        self.sequence = sequence
        self.identifier = identifier
    }
}

public enum Projections {
    /// The projection changes of a batch's events.
    public static func changes(of events: [Event]) -> [ProjectionChange] {
        events.enumerated().flatMap { index, event in
            identifiers(of: event).map { ProjectionChange.identifier(item: index, $0) }
        }
    }

    /// The identifiers a captured EPCIS event names — its parent, EPC lists and quantity classes — each
    /// once, in order. Unitrace's own events name units, which `event_unit` already indexes: none here.
    public static func identifiers(of event: Event) -> [IdentifierName] {
        guard let captured = event.epcis else { return [] }
        return Set((captured.allEPCs + captured.allClasses).map(IdentifierName.init(canonicalizing:))).sorted()
    }

    /// The entries the index holds for `events`, in the order a store lists them (by sequence, then name).
    public static func entries(of events: [RecordedEvent]) -> [IdentifierEntry] {
        events.flatMap { recorded in
            identifiers(of: recorded.event).map { IdentifierEntry(sequence: recorded.sequence, identifier: $0) }
        }
    }
}
