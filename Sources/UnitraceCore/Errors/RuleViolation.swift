/// Why an event was refused for one unit.
public struct RuleViolation: Error, Hashable, Sendable {
    /// The rule that was broken. The raw value is stable: the CLI and exports expose it.
    public enum Rule: String, Sendable, CaseIterable {
        case unknownUnit = "unknown-unit"
        case alreadyInStock = "already-in-stock"
        case serialInUse = "serial-in-use"
        case notInStock = "not-in-stock"
        case cannotSellQuarantined = "cannot-sell-quarantined"
        case unitScrapped = "unit-scrapped"
        case notMovable = "not-movable"
        case alreadyAtLocation = "already-at-location"
        case notInTransit = "not-in-transit"
        case notSold = "not-sold"
        case soldToAnotherCustomer = "sold-to-another-customer"
        case notHeld = "not-quarantined-or-returned"
        case alreadyQuarantined = "already-quarantined"
        case notLatestEvent = "not-latest-event"
        case missingRestore = "missing-restore"
        case notMissing = "not-missing"
        /// The unit is past its expiry date and cannot be sold or shipped to a customer.
        case expired
        /// The unit is held for another customer or order.
        case held
        /// The unit is packed in a container: it moves with the container, or is unpacked first.
        case packed
        /// The unit is already packed in a container.
        case alreadyPacked = "already-packed"
        /// The unit is not in the container the event takes it out of.
        case notInContainer = "not-in-container"
        /// The unit is not at the place of the container it would be packed in.
        case notAtContainer = "not-at-container"
        /// The unit is installed in another unit: it moves, ships and sells with it, or is removed first.
        case installed
        /// A unit cannot be installed into itself.
        case installIntoItself = "install-into-itself"
        /// The unit would end up inside itself: the parent is one of its own components.
        case installCycle = "install-cycle"
        /// The unit is not installed in the parent the event takes it out of.
        case notInstalled = "not-installed"
        /// Fitting a part into a sold or scrapped unit is a repair: it needs the service context.
        case needsService = "needs-service"
        /// The parent unit cannot take components now (unknown, voided, or not at one of our places).
        case parentUnavailable = "parent-unavailable"
    }

    public var rule: Rule
    public var unit: UnitKey
    /// The unit's status when the event was refused; `nil` when the unit is not known.
    public var status: UnitStatus?
    public var event: EventKind
    /// A short extra fact, e.g. the location the unit is already at.
    public var detail: String?

    public init(rule: Rule, unit: UnitKey, status: UnitStatus?, event: EventKind, detail: String? = nil) {
        self.rule = rule
        self.unit = unit
        self.status = status
        self.event = event
        self.detail = detail
    }
}

extension RuleViolation: CustomStringConvertible {
    public var description: String {
        let state = status.map { "unit is \($0)" } ?? "no such unit"
        let extra = detail.map { ", \($0)" } ?? ""
        return "\(event) refused for \(unit): \(state)\(extra) (rule \(rule.rawValue))"
    }
}
