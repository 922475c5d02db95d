import Foundation
import UnitraceCore

/// Where in a unit's journey something happened.
public enum JourneyPhase: String, Hashable, Sendable, Codable {
    /// Where it was made or first received, before it left.
    case factory
    /// On its way between places.
    case transit
    /// In stock at a warehouse or store after it left the first place.
    case warehouse
    /// After it was sold.
    case afterSale = "after-sale"
}

/// The first sign of damage in a unit's history, and how the other units of its lot and run are doing.
public struct DamageTimeline: Hashable, Sendable {
    public struct Sign: Hashable, Sendable {
        public var sequence: Int64
        public var occurredAt: Timestamp
        public var kind: EventKind
        public var what: String
        public var phase: JourneyPhase
        /// Where the unit was (the event's place, or the last place before it).
        public var location: String?
    }

    /// The units of a group (the lot, or the run's lots) by status, and how many show damage.
    public struct Group: Hashable, Sendable {
        public var name: String
        public var units: Int
        /// Quarantined, returned, in repair, scrapped or missing: not fine.
        public var flagged: [UnitKey]
        public var byStatus: [UnitStatus: Int]
    }

    public var unit: UnitKey
    public var status: UnitStatus
    /// `nil` when its history holds no sign of damage.
    public var firstSign: Sign?
    public var signs: Int
    public var lot: Group?
    public var run: Group?
}

extension Inventory {
    /// For a damaged unit: where in its journey damage was first recorded (a failed inspection, a quarantine,
    /// a return or a scrap — at the factory, in transit, in the warehouse, after sale), and whether the other
    /// units of its lot and of its production run are fine.
    /// - Throws: ``InputError`` `unknown-unit`.
    public func damageTimeline(_ scan: String) async throws -> DamageTimeline {
        let key = try await unit(scan)
        guard let state = try await store.states(of: [key])[key] else {
            throw InputError(code: .unknownUnit, message: "'\(Limits.quote(scan))' names no known unit")
        }
        var phase = JourneyPhase.factory
        var place: String?
        var first: DamageTimeline.Sign?
        var signs = 0
        for entry in try await store.history(of: key) {
            let event = entry.event
            if let what = Self.damage(event) {
                signs += 1
                if first == nil {
                    first = DamageTimeline.Sign(
                        sequence: entry.sequence, occurredAt: event.occurredAt, kind: event.kind, what: what,
                        phase: phase, location: event.location ?? place)
                }
            }
            switch event.kind {
            case .sell: phase = .afterSale
            case .ship where phase != .afterSale: phase = .transit
            case .arrive where phase != .afterSale, .move where phase == .transit: phase = .warehouse
            default: break
            }
            if let location = event.location { place = location }
        }
        var timeline = DamageTimeline(
            unit: key, status: state.status, firstSign: first, signs: signs, lot: nil, run: nil)
        if let code = state.lot {
            let lotKey = LotKey(sku: key.sku, code: code)
            let members = try await store.units(ofLot: code, sku: key.sku)
            timeline.lot = try await group("lot \(lotKey.sku)/\(code)", members.filter { $0 != key })
            if let runID = try await store.lots([lotKey])[lotKey]?.run {
                var others: [UnitKey] = []
                for lot in try await store.lots(sku: key.sku) where lot.run == runID {
                    others += try await store.units(ofLot: lot.code, sku: key.sku)
                }
                timeline.run = try await group("run \(runID)", others.filter { $0 != key })
            }
        }
        return timeline
    }

    private func group(_ name: String, _ units: [UnitKey]) async throws -> DamageTimeline.Group {
        let states = try await store.states(of: Set(units))
        let damaged: Set<UnitStatus> = [.quarantined, .returned, .inRepair, .scrapped, .missing]
        var byStatus: [UnitStatus: Int] = [:]
        for state in states.values { byStatus[state.status, default: 0] += 1 }
        return DamageTimeline.Group(
            name: name, units: states.count,
            flagged: states.values.filter { damaged.contains($0.status) }.map(\.key).sorted(), byStatus: byStatus)
    }

    /// What an event says is wrong with the unit, when it is a sign of damage.
    private static func damage(_ event: Event) -> String? {
        switch event.kind {
        case .inspect:
            guard let inspection = event.inspection, inspection.result == .fail else { return nil }
            return "failed \(inspection.procedure)" + (inspection.defect.map { ": \($0)" } ?? "")
        case .quarantine: return "quarantined" + (event.reason.map { ": \($0)" } ?? "")
        case .return: return "returned" + (event.reason.map { ": \($0)" } ?? "")
        case .scrap: return "scrapped" + (event.reason.map { ": \($0)" } ?? "")
        default: return nil
        }
    }
}
