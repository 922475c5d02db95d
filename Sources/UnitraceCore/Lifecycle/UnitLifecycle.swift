/// The unit state machine. Pure: no clock, no store, no I/O.
///
/// | event      | allowed from                        | to                       | location                 |
/// |------------|-------------------------------------|--------------------------|--------------------------|
/// | receive    | (new), expected, voided             | in stock                 | the event's location     |
/// | move       | in stock, returned, quarantined     | unchanged                | the event's location     |
/// | ship       | in stock → in transit; sold (to its customer) stays sold | | in transit        |
/// | arrive     | anything whose location is in transit | in stock, or sold if headed to a customer | destination |
/// | sell       | in stock, reserved                  | sold                     | customer (store sale) or unchanged (online) |
/// | return     | sold                                | returned                 | the event's location     |
/// | quarantine | in stock, returned                  | quarantined              | unchanged                |
/// | release    | quarantined, returned               | in stock                 | unchanged                |
/// | scrap      | in stock, returned, quarantined     | scrapped                 | scrapped                 |
/// | correct    | a unit whose latest event is the corrected one | the state recorded in the line | |
/// | observe    | any known unit                      | unchanged                | unchanged                |
/// | lost       | in stock, returned, quarantined     | missing                  | unchanged                |
/// | found      | missing                             | in stock                 | the event's location, or unchanged |
/// | pack       | in stock, returned, quarantined, loose, at the event's place | unchanged, in the container | unchanged |
/// | unpack     | packed in the event's container     | unchanged, loose         | unchanged                |
/// | install (component) | in stock, loose                | installed in the parent  | the event's location     |
/// | install (parent)    | not missing, in transit or voided; sold or scrapped only in a repair | unchanged | unchanged |
/// | remove (component)  | installed in the event's parent | in stock, loose         | the event's location     |
/// | remove (parent)     | as for install                  | unchanged                | unchanged                |
///
/// Nothing happens to a scrapped unit. A packed unit moves (move, ship, arrive) only with its container, when
/// the event lists that container; it is not sold, returned, scrapped or found before it is unpacked; a lost
/// one leaves its container. An installed unit does nothing on its own until it is removed: it is wherever its
/// parent is, and goes where its parent goes.
public enum UnitLifecycle {
    /// Returns the state `line`'s unit moves to when `event` happens while it is in `state`
    /// (`nil`: the unit is not known). The returned state keeps the old `version`; the store sets it.
    /// - Throws: ``RuleViolation`` naming the broken rule; nothing else.
    /// The kinds a packed unit may not undergo on its own.
    static let leavesContainer: Set<EventKind> = [.move, .ship, .arrive, .sell, .return, .scrap, .found]

    public static func apply(_ event: Event, line: EventLine, to state: UnitState?) throws(RuleViolation) -> UnitState {
        let key = line.unit
        func refuse(_ rule: RuleViolation.Rule, _ detail: String? = nil) -> RuleViolation {
            RuleViolation(rule: rule, unit: key, status: state?.status, event: event.kind, detail: detail)
        }

        if event.kind == .receive || event.kind == .produce {
            if let state, state.status != .expected, state.status != .voided {
                throw state.status == .inStock ? refuse(.alreadyInStock, "at \(state.location)") : refuse(.serialInUse)
            }
            return UnitState(
                key: key, status: .inStock, location: event.location ?? BuiltInLocation.supplier,
                lot: line.lot ?? state?.lot, aliases: line.aliases ?? state?.aliases ?? [],
                attributes: line.attributes ?? state?.attributes ?? [:], version: state?.version ?? 0,
                expiry: line.expiry ?? state?.expiry)
        }

        guard var next = state, next.status != .voided else { throw refuse(.unknownUnit) }
        if event.kind == .install || event.kind == .remove, let parent = event.parent, parent == key {
            // The parent's own line: it changes nothing, but the parent must be able to take the work.
            switch next.status {
            case .missing, .inTransit, .expected:
                throw refuse(.parentUnavailable, "components are fitted or taken out where the unit is")
            case .sold, .scrapped:
                guard event.businessStep == Assembly.serviceStep else {
                    throw refuse(.needsService, "fitting or taking out parts of it is a repair")
                }
            default: break
            }
            return next
        }
        if event.kind == .correct {
            guard let restore = line.restore else { throw refuse(.missingRestore) }
            next.status = restore.status
            next.location = restore.location
            next.destination = restore.destination
            next.owner = restore.owner
            next.lot = restore.lot
            next.expiry = restore.expiry
            next.aliases = restore.aliases
            next.attributes = restore.attributes
            next.container = restore.container
            next.parent = restore.parent
            return next
        }
        if next.status == .scrapped { throw refuse(.unitScrapped) }
        if let parent = next.parent, event.kind != .observe, event.kind != .remove, event.kind != .inspect {
            throw refuse(.installed, "installed in \(parent): it goes where \(parent) goes, or is removed first")
        }
        if let container = next.container, Self.leavesContainer.contains(event.kind),
            !(event.containers ?? []).contains(container)
        {
            let how =
                ContainerLifecycle.moving.contains(event.kind)
                ? "move the container, or unpack it first" : "unpack it first"
            throw refuse(.packed, "packed in container \(container): \(how)")
        }

        switch event.kind {
        case .receive, .produce, .correct:
            break  // handled above

        case .observe, .inspect:
            break  // an observation or an inspection changes nothing; a failed one quarantines by its own event

        case .move:
            guard [.inStock, .returned, .quarantined].contains(next.status) else { throw refuse(.notMovable) }
            let target = event.location ?? next.location
            guard target != next.location else { throw refuse(.alreadyAtLocation, "already at \(target)") }
            next.location = target

        case .ship:
            if let customer = event.destinationCustomer, next.status == .sold {
                guard next.owner == nil || next.owner == customer else {
                    throw refuse(.soldToAnotherCustomer, "sold to \(next.owner ?? "")")
                }
                guard next.location != BuiltInLocation.customer, next.location != BuiltInLocation.inTransit else {
                    throw refuse(.notInStock, "already at \(next.location)")
                }
            } else {
                guard next.status == .inStock else { throw refuse(.notInStock) }
                next.status = .inTransit
            }
            next.location = BuiltInLocation.inTransit
            next.destination = event.destination

        case .arrive:
            guard next.location == BuiltInLocation.inTransit else { throw refuse(.notInTransit) }
            let headedTo = event.location ?? next.destination
            if next.status == .sold || headedTo?.hasPrefix("customer:") == true {
                next.location = BuiltInLocation.customer
                if next.status != .sold, let customer = headedTo?.dropFirst(9) {
                    next.owner = next.owner ?? String(customer)
                }
            } else {
                next.status = .inStock
                next.location = headedTo ?? BuiltInLocation.supplier
            }
            next.destination = nil

        case .sell:
            switch next.status {
            case .inStock, .reserved: break
            case .quarantined: throw refuse(.cannotSellQuarantined)
            default: throw refuse(.notInStock)
            }
            next.status = .sold
            next.owner = event.sale?.customer
            if event.sale?.storeCode != nil { next.location = BuiltInLocation.customer }

        case .return:
            guard next.status == .sold else { throw refuse(.notSold) }
            next.status = .returned
            next.location = event.location ?? next.location
            next.owner = nil
            next.destination = nil

        case .quarantine:
            if next.status == .quarantined { throw refuse(.alreadyQuarantined) }
            guard [.inStock, .returned].contains(next.status) else { throw refuse(.notInStock) }
            next.status = .quarantined

        case .release:
            guard [.quarantined, .returned].contains(next.status) else { throw refuse(.notHeld) }
            next.status = .inStock

        case .lost:
            guard [.inStock, .returned, .quarantined].contains(next.status) else { throw refuse(.notInStock) }
            next.status = .missing
            next.container = nil

        case .pack:
            guard [.inStock, .returned, .quarantined].contains(next.status) else { throw refuse(.notInStock) }
            if let container = next.container { throw refuse(.alreadyPacked, "packed in container \(container)") }
            if let place = event.location, place != next.location {
                throw refuse(.notAtContainer, "at \(next.location), the container is at \(place)")
            }
            next.container = event.container

        case .unpack:
            guard let container = next.container, container == event.container else {
                throw refuse(.notInContainer, next.container.map { "packed in container \($0)" } ?? "not packed")
            }
            next.container = nil

        case .install:
            guard next.status == .inStock else { throw refuse(.notInStock) }
            if let container = next.container {
                throw refuse(.packed, "packed in container \(container): unpack it first")
            }
            next.status = .installed
            next.parent = event.parent
            next.location = event.location ?? next.location
            next.destination = nil
            next.owner = nil

        case .remove:
            guard let parent = next.parent, parent == event.parent else {
                throw refuse(.notInstalled, next.parent.map { "installed in \($0)" } ?? "not installed in anything")
            }
            next.status = .inStock
            next.parent = nil
            next.location = event.location ?? next.location

        case .found:
            guard next.status == .missing else { throw refuse(.notMissing) }
            next.status = .inStock
            next.location = event.location ?? next.location

        case .scrap:
            guard [.inStock, .returned, .quarantined].contains(next.status) else { throw refuse(.notInStock) }
            next.status = .scrapped
            next.location = BuiltInLocation.scrapped
            next.destination = nil
        }
        return next
    }
}
