/// What happened. The raw values are stable: they appear in exports and `--json` output.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case receive
    case move
    case ship
    case arrive
    case sell
    case `return`
    case quarantine
    case release
    case scrap
    /// An error declaration: the event it names did not happen as recorded; its units go back to
    /// the state they had before it.
    case correct
    /// An event captured from an EPCIS document about objects Unitrace does not track (another company's
    /// EPCs, a partner's observations): kept, queryable, traced, changing no unit and no stock.
    case observe
    /// Stock seen that the ledger did not know was there: a count's surplus of a quantity, or a missing unit
    /// seen again.
    case found
    /// Stock the ledger holds that is not there: a count's shortfall, or a unit not found where it should be.
    case lost
    /// Units, quantities or smaller containers put into a container (a case, a pallet) named by its SSCC.
    case pack
    /// Units, quantities or containers taken out of a container.
    case unpack
    /// Serialized components fitted into a parent unit (a motor into a car): an EPCIS AssociationEvent `ADD`.
    case install
    /// Serialized components taken out of the parent unit they were fitted in: an AssociationEvent `DELETE`.
    case remove
    /// An inspection or test of units, or of a lot as a whole: its result and measurements; it changes no
    /// unit's state (a failed one may quarantine them in the same transaction, by a quarantine event).
    case inspect
    /// A production: lots and bulk quantities consumed (its `inputs`) and new units or a new lot made from
    /// them at one place, in one EPCIS TransformationEvent.
    case produce

    /// The GS1 CBV business step recorded with this kind of event.
    public var businessStep: String {
        switch self {
        case .receive: "receiving"
        case .move: "storing"
        case .ship: "shipping"
        case .arrive: "arriving"
        case .sell: "retail_selling"
        case .return: "receiving"
        case .quarantine: "holding"
        case .release: "inspecting"
        case .scrap: "destroying"
        case .correct: "other"
        case .observe: "other"
        case .found, .lost: "cycle_counting"
        case .pack: "packing"
        case .unpack: "unpacking"
        case .install: "installing"
        case .remove: "removing"
        case .inspect: "inspecting"
        case .produce: "commissioning"
        }
    }

    /// The GS1 EPCIS 2.0 ObjectEvent action: a unit enters the system (`ADD`), leaves it (`DELETE`),
    /// or is observed (`OBSERVE`).
    public var epcisAction: String {
        switch self {
        case .receive, .pack, .install, .produce: "ADD"
        case .scrap, .unpack, .remove: "DELETE"
        default: "OBSERVE"
        }
    }
}

extension EventKind: CustomStringConvertible {
    public var description: String { rawValue }
}

extension UnitStatus {
    /// The GS1 CBV disposition of a unit in this status.
    public var disposition: String? {
        switch self {
        case .expected: "in_progress"
        case .inStock: "sellable_accessible"
        case .reserved: "reserved"
        case .inTransit: "in_transit"
        case .sold: "retail_sold"
        case .returned: "returned"
        case .inRepair: "non_sellable_other"
        case .quarantined: "non_sellable_other"
        case .installed: "active"
        case .scrapped: "destroyed"
        case .voided: nil
        case .missing: "unknown"
        }
    }
}
