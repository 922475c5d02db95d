import Foundation
import UnitraceCore

/// The rules an event must meet to be recorded, whatever door it came through: a CLI verb, an HTTP verb,
/// a batch capture, a JSON Lines import or an EPCIS capture. ``Inventory/commit(_:earlier:serialCounters:)``
/// checks every new event with them, so no interface has to (or may) decide them again.
///
/// They hold for every event new to the ledger. An event restored from an exported ledger, with its
/// sequence and hash, was accepted once and is history: a restore keeps it as it was (an older release
/// let `POST /api/v1/events` record a scrap without a reason), and its hash proves it was not changed.
public enum EventRules {
    /// The verbs that must say why: a unit leaves stock for good, is held back, comes back, or an event is
    /// declared an error.
    public static let needsReason: Set<EventKind> = [.return, .quarantine, .scrap, .correct, .found, .lost]

    /// The kinds of location where a sale in person may happen.
    public static let salePlaces: Set<LocationKind> = [.store, .popUp]

    /// The verbs that put units at the event's location: it must be a real place, not a built-in one
    /// (`customer`, `supplier`, `in-transit`, `scrapped` are where units go by other verbs).
    public static let placing: Set<EventKind> = [
        .receive, .move, .return, .arrive, .found, .pack, .unpack, .install, .remove,
    ]

    /// `place`, the location `code` names, when it is a real place.
    /// - Throws: ``InputError`` `unknown-location` or `not-a-place`.
    public static func realPlace(_ code: String, _ place: Location?) throws(InputError) -> Location {
        guard let place else {
            throw InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'")
        }
        guard !place.kind.isBuiltIn else {
            throw InputError(
                code: .notAPlace, message: "'\(Limits.quote(code))' is a built-in location; name a real place")
        }
        return place
    }

    /// Checks one event. `places` holds the locations named by the event (``placesNamed(by:)``) that exist.
    /// - Throws: ``InputError`` with the rule's code.
    public static func check(_ event: Event, places: [String: Location]) throws(InputError) {
        try Assembly.check(event)
        if placing.contains(event.kind), let code = event.location { _ = try realPlace(code, places[code]) }
        if let code = event.source, event.epcis == nil { _ = try realPlace(code, places[code]) }
        if event.kind == .ship, let code = event.destination, !code.hasPrefix("customer:") {
            _ = try realPlace(code, places[code])
        }
        if needsReason.contains(event.kind), event.reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
            throw InputError(
                code: .reasonRequired,
                message:
                    "\(Self.article(event.kind)) needs a reason: say why (--reason, \"reason\" in the API, unitrace:reason in EPCIS)"
            )
        }
        guard event.kind == .sell else { return }
        guard let sale = event.sale else {
            throw InputError(code: .saleRequired, message: "a sale needs its channel: 'online' or 'store:<location>'")
        }
        _ = try sale.validated()
        guard let code = sale.storeCode else { return }
        guard let place = places[code] else {
            throw InputError(code: .unknownLocation, message: "unknown location '\(Limits.quote(code))'")
        }
        guard salePlaces.contains(place.kind) else {
            throw InputError(
                code: .notAStore,
                message:
                    "a sale in person happens at a store or pop-up; '\(Limits.quote(code))' is a \(place.kind.rawValue)"
            )
        }
        if let location = event.location, location != code {
            throw InputError(
                code: .invalidField,
                message: "a sale through store:\(code) happens at \(code), not at '\(Limits.quote(location))'")
        }
    }

    /// The location codes whose kind ``check(_:places:)`` needs to know.
    static func placesNamed(by event: Event) -> Set<String> {
        var codes = Set<String>()
        if placing.contains(event.kind), let code = event.location { codes.insert(code) }
        if let code = event.source, event.epcis == nil { codes.insert(code) }
        if event.kind == .ship, let code = event.destination, !code.hasPrefix("customer:") { codes.insert(code) }
        if event.kind == .sell, let code = event.sale?.storeCode { codes.insert(code) }
        return codes
    }

    private static func article(_ kind: EventKind) -> String {
        switch kind {
        case .return: "a return"
        case .quarantine: "a quarantine"
        case .scrap: "a scrap"
        case .correct: "a correction"
        case .found, .lost: "a stock adjustment"
        default: "this event"
        }
    }
}
