import Foundation

/// The Serial Shipping Container Code that names a case, a carton or a pallet: 18 digits, the last a GS1
/// check digit.
public enum SSCC {
    /// The 18 digits of an SSCC written bare, as GS1 data (`(00)…`, a scanner's `]C1` read), as a GS1 Digital
    /// Link (`…/00/…`) or as an EPC URI (`urn:epc:id:sscc:…`).
    /// - Throws: ``InputError`` `invalid-identifier` naming what is wrong.
    public static func parse(_ text: String) throws(InputError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed =
            try Identifiers.detect(trimmed) == nil
            ? Identifiers.parse(trimmed, as: .sscc) : Identifiers.parse(trimmed)
        guard let sscc = parsed.sscc else {
            throw InputError(
                code: .invalidIdentifier,
                message: "'\(Limits.quote(trimmed))' names no SSCC (00): a container is named by its 18-digit SSCC")
        }
        return sscc
    }

    /// The GS1 Digital Link an EPCIS document names the container by.
    public static func digitalLink(_ sscc: String) -> String { "https://id.gs1.org/00/\(sscc)" }
}

/// Where a container is and what holds it: the projection its events add up to.
public struct ContainerState: Hashable, Sendable, Codable {
    public var sscc: String
    /// The container it is packed in, if any.
    public var parent: String?
    /// Where it is, as a unit's location: a place of ours, or `in-transit`, `customer`.
    public var location: String
    /// Where a shipment of it is headed: a location code or `customer:<reference>`.
    public var destination: String?
    /// Sequence number of the last event that changed it.
    public var version: Int64

    public init(sscc: String, parent: String? = nil, location: String, destination: String? = nil, version: Int64 = 0) {
        self.sscc = sscc
        self.parent = parent
        self.location = location
        self.destination = destination
        self.version = version
    }
}

/// How events change containers. Pure: the commit, `verify` and the audit use the same rules.
///
/// | event  | the container it names (`container`)            | the containers it lists (`containers`)        |
/// |--------|-------------------------------------------------|-----------------------------------------------|
/// | pack   | made at the event's place, or already there     | each loose and at that place: packed into it  |
/// | unpack | known                                           | each packed in it: taken out                  |
/// | move, ship, arrive | —                                   | every container moved, with all those inside it; each goes where the event goes |
///
/// Every other kind names no container. A unit keeps its own rules (``UnitLifecycle``): packed, it moves only
/// with its container.
public enum ContainerLifecycle {
    /// The kinds that move containers by listing them.
    public static let moving: Set<EventKind> = [.move, .ship, .arrive]

    /// The containers `event` changes, as they are after it, given `states`: every container the event names
    /// and, for a pack, the containers the target is packed in (to refuse a loop).
    /// - Throws: ``InputError`` `packing-refused` naming the container and the rule.
    public static func apply(_ event: Event, to states: [String: ContainerState]) throws(InputError)
        -> [ContainerState]
    {
        func refuse(_ message: String) -> InputError {
            InputError(code: .packingRefused, message: "\(event.kind) refused: \(message)")
        }
        func known(_ sscc: String) throws(InputError) -> ContainerState {
            guard let state = states[sscc] else {
                throw InputError(
                    code: .unknownContainer, message: "unknown container \(sscc): nothing was packed in it")
            }
            return state
        }
        let listed = event.containers ?? []
        switch event.kind {
        case .pack:
            guard let target = event.container, let place = event.location else {
                throw refuse("a pack names the container and the place it happens")
            }
            var parent = states[target] ?? ContainerState(sscc: target, location: place)
            guard parent.location == place else {
                throw refuse("container \(target) is at \(parent.location), not at \(place)")
            }
            parent.destination = nil
            var ancestors = Set<String>()
            var cursor = parent.parent
            while let next = cursor, ancestors.insert(next).inserted { cursor = states[next]?.parent }
            var changed = [parent]
            for sscc in listed {
                var child = try known(sscc)
                if sscc == target { throw refuse("container \(sscc) cannot be packed into itself") }
                if ancestors.contains(sscc) {
                    throw refuse("container \(target) is inside \(sscc), so \(sscc) cannot go into it")
                }
                if let holder = child.parent { throw refuse("container \(sscc) is inside \(holder): unpack it first") }
                guard child.location == place else {
                    throw refuse("container \(sscc) is at \(child.location), not at \(place)")
                }
                child.parent = target
                changed.append(child)
            }
            return changed
        case .unpack:
            guard let target = event.container else { throw refuse("an unpack names the container it empties") }
            _ = try known(target)
            var changed: [ContainerState] = []
            for sscc in listed {
                var child = try known(sscc)
                guard child.parent == target else {
                    throw refuse("container \(sscc) is not inside \(target)")
                }
                child.parent = nil
                changed.append(child)
            }
            return changed
        case .move, .ship, .arrive:
            let moving = Set(listed)
            var changed: [ContainerState] = []
            for sscc in listed {
                var state = try known(sscc)
                if let holder = state.parent, !moving.contains(holder) {
                    throw refuse("container \(sscc) is inside \(holder): move \(holder), or unpack \(sscc) first")
                }
                switch event.kind {
                case .move:
                    guard let target = event.location else { throw refuse("a move names where it goes") }
                    guard ![BuiltInLocation.inTransit, BuiltInLocation.customer].contains(state.location) else {
                        throw refuse(
                            "container \(sscc) is \(state.location == BuiltInLocation.customer ? "at a customer" : "in transit")"
                        )
                    }
                    guard state.location != target else { throw refuse("container \(sscc) is already at \(target)") }
                    state.location = target
                case .ship:
                    guard ![BuiltInLocation.inTransit, BuiltInLocation.customer].contains(state.location) else {
                        throw refuse(
                            "container \(sscc) is already \(state.location == BuiltInLocation.customer ? "at a customer" : "in transit")"
                        )
                    }
                    state.location = BuiltInLocation.inTransit
                    state.destination = event.destination
                default:
                    guard state.location == BuiltInLocation.inTransit else {
                        throw refuse("container \(sscc) is not in transit")
                    }
                    let headedTo = event.location ?? state.destination
                    state.location =
                        headedTo.map { $0.hasPrefix("customer:") ? BuiltInLocation.customer : $0 }
                        ?? BuiltInLocation.supplier
                    state.destination = nil
                }
                changed.append(state)
            }
            return changed
        default:
            guard event.container == nil, listed.isEmpty else {
                throw refuse("\(event.kind) does not move containers; pack, unpack, move, ship or arrive them")
            }
            return []
        }
    }

    /// The containers an event names, each once: the one it packs into or empties, and those it lists.
    public static func named(by event: Event) -> Set<String> {
        var names = Set(event.containers ?? [])
        if let container = event.container { names.insert(container) }
        return names
    }
}

/// A quantity of a lot or bulk product packed in a container.
public struct PackedQuantity: Hashable, Sendable, Codable {
    public var sscc: String
    public var sku: String
    /// The lot code; empty for a bulk product.
    public var lot: String
    public var quantity: Quantity

    public init(sscc: String, sku: String, lot: String?, quantity: Quantity) {
        self.sscc = sscc
        self.sku = sku
        self.lot = lot ?? ""
        self.quantity = quantity
    }

    /// How a pack or unpack changes the quantities packed in its container: `+` each line packed, `-` each
    /// line taken out. Keyed by container, product and lot; none for other events.
    public static func changes(of event: Event) -> [PackedQuantity] {
        guard event.epcis == nil, [.pack, .unpack].contains(event.kind), let sscc = event.container else {
            return []
        }
        return (event.quantities ?? []).compactMap { line in
            guard let amount = try? Quantity(parsing: line.quantity) else { return nil }
            return PackedQuantity(
                sscc: sscc, sku: line.sku, lot: line.lot, quantity: event.kind == .pack ? amount : -amount)
        }
    }
}
