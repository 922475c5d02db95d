import Foundation
import UnitraceCore

/// What `audit` found: each check with how many findings and a few examples.
public struct AuditReport: Hashable, Sendable {
    public enum Check: String, Sendable, CaseIterable {
        /// The hash chain and the projections (`verify`).
        case ledger
        /// Serials that do not fit their product's serial template.
        case serialTemplate = "serial-template"
        /// A bare serial that several products use: a scan of it alone is ambiguous.
        case ambiguousSerial = "ambiguous-serial"
        /// An alias that is another unit's serial: a scan of it names two units.
        case aliasCollision = "alias-collision"
        /// A unit sold again without a return in between.
        case soldTwice = "sold-twice"
        /// A unit with events after it was scrapped.
        case seenAfterScrap = "seen-after-scrap"
        /// Lots and units past their expiry, still in stock where they can be sold.
        case expiredSellable = "expired-sellable"
        /// Containers whose content is not where they are, or whose packed quantities are not on the shelf.
        case containerContent = "container-content"

        public var title: String {
            switch self {
            case .ledger: "hash chain and projections"
            case .serialTemplate: "serials that break their product's serial template"
            case .ambiguousSerial: "bare serials used by several products"
            case .aliasCollision: "aliases that are another unit's serial"
            case .soldTwice: "units sold twice without a return"
            case .seenAfterScrap: "units with events after they were scrapped"
            case .expiredSellable: "lots and units past expiry still sellable"
            case .containerContent: "containers whose content disagrees with them"
            }
        }
    }

    public struct Finding: Hashable, Sendable {
        public var check: Check
        public var count: Int
        /// The first few, in words.
        public var examples: [String]
    }

    public var events: Int64
    public var units: Int
    public var findings: [Finding]

    public var ok: Bool { findings.allSatisfy { $0.count == 0 } }

    /// How many examples each check keeps.
    public static let examples = 10
}

extension Inventory {
    /// Checks the whole store: the ledger as `verify` does, then what the rules at the doors cannot see one
    /// event at a time — identifiers that collide or break their template, histories no lifecycle allows
    /// (left by imports from other systems, or by edits), and expired stock still on sale. Writes nothing.
    public func audit(pageSize: Int = 2_000) async throws -> AuditReport {
        var findings: [AuditReport.Check: AuditReport.Finding] = [:]
        for check in AuditReport.Check.allCases { findings[check] = .init(check: check, count: 0, examples: []) }
        func found(_ check: AuditReport.Check, _ example: @autoclosure () -> String) {
            findings[check]!.count += 1
            if findings[check]!.examples.count < AuditReport.examples { findings[check]!.examples.append(example()) }
        }

        let verified = try await verify(pageSize: pageSize)
        for problem in verified.problems { found(.ledger, problem) }
        for unit in verified.mismatchedUnits {
            found(.ledger, "\(unit): the stored state is not what the ledger adds up to")
        }

        // Identifiers, over every unit.
        var products: [String: Product] = [:]
        for product in try await store.products() { products[product.sku] = product }
        var bySerial: [String: [UnitKey]] = [:]
        var aliases: [(value: String, owner: UnitKey)] = []
        var units = 0
        var after: UnitKey?
        var packedUnits: [UnitState] = []
        while true {
            let page = try await store.find(UnitQuery(after: after, limit: 10_000))
            for state in page {
                units += 1
                if state.container != nil { packedUnits.append(state) }
                bySerial[state.key.serial, default: []].append(state.key)
                for alias in state.aliases { aliases.append((alias.value, state.key)) }
                if let template = products[state.key.sku]?.serialTemplate {
                    do throws(InputError) {
                        try template.validate(state.key.serial)
                    } catch {
                        found(.serialTemplate, "\(state.key): \(error.message)")
                    }
                }
            }
            guard page.count == 10_000, let last = page.last else { break }
            after = last.key
        }
        for (serial, keys) in bySerial.sorted(by: { $0.key < $1.key }) where keys.count > 1 {
            found(.ambiguousSerial, "\(serial): \(keys.map(\.sku).sorted().joined(separator: ", "))")
        }
        for alias in aliases.sorted(by: { $0.value < $1.value }) {
            for other in bySerial[alias.value] ?? [] where other != alias.owner {
                found(.aliasCollision, "\(alias.value): an alias of \(alias.owner) and the serial of \(other)")
            }
        }

        // Histories, over every event: corrected events and their corrections are left out.
        var corrected = Set<UUID>()
        var cursor: Int64 = 0
        while true {
            let page = try await store.events(after: cursor, limit: pageSize, matching: .all)
            guard let last = page.last else { break }
            for recorded in page { if let target = recorded.event.corrects { corrected.insert(target) } }
            cursor = last.sequence
        }
        var sold = Set<UnitKey>()
        var scrapped: [UnitKey: Int64] = [:]
        cursor = 0
        while true {
            let page = try await store.events(after: cursor, limit: pageSize, matching: .all)
            guard let last = page.last else { break }
            for recorded in page {
                let event = recorded.event
                guard event.kind != .correct, !corrected.contains(event.id) else { continue }
                for line in event.units {
                    let key = line.unit
                    if let at = scrapped[key] {
                        found(
                            .seenAfterScrap,
                            "\(key): \(event.kind.rawValue) at sequence \(recorded.sequence), scrapped at \(at)")
                    }
                    switch event.kind {
                    case .sell:
                        if !sold.insert(key).inserted {
                            found(.soldTwice, "\(key): sold again at sequence \(recorded.sequence)")
                        }
                    case .return: sold.remove(key)
                    case .scrap: scrapped[key] = scrapped[key] ?? recorded.sequence
                    default: break
                    }
                }
            }
            cursor = last.sequence
        }

        // Expired stock where it can still be sold.
        let yesterday = CalendarDay(environment.now()).adding(days: -1)
        for row in try await store.expiring(through: yesterday, limit: 100_000) {
            let what = row.lot.isEmpty ? row.sku : "\(row.sku) lot \(row.lot)"
            let amount = row.units ? "\(row.quantity) unit(s)" : row.quantity.description
            found(.expiredSellable, "\(what) at \(row.location): \(amount), expired \(row.expiry)")
        }

        try await auditContainers(packedUnits: packedUnits, pageSize: pageSize) { found(.containerContent, $0) }

        return AuditReport(
            events: verified.events, units: units,
            findings: AuditReport.Check.allCases.map { findings[$0]! })
    }
}

extension Inventory {
    /// Every packed unit and container is where its container is, and the quantities packed in the containers
    /// at each place are the packed stock there.
    func auditContainers(packedUnits: [UnitState], pageSize: Int, found: (String) -> Void) async throws {
        let containers = try await storedContainers(pageSize: pageSize)
        for unit in packedUnits {
            guard let sscc = unit.container else { continue }
            guard let container = containers[sscc] else {
                found("\(unit.key): packed in container \(sscc), which is not known")
                continue
            }
            if unit.location != container.location {
                found("\(unit.key): at \(unit.location), its container \(sscc) at \(container.location)")
            }
        }
        for container in containers.values.sorted(by: { $0.sscc < $1.sscc }) {
            guard let parent = container.parent else { continue }
            guard let holder = containers[parent] else {
                found("container \(container.sscc): inside \(parent), which is not known")
                continue
            }
            if holder.location != container.location {
                found("container \(container.sscc): at \(container.location), inside \(parent) at \(holder.location)")
            }
        }
        // On a shelf (not in transit, not delivered), what the containers hold is the packed stock there.
        var expected: [StockKey: Quantity] = [:]
        for row in try await store.allPackedQuantities() {
            guard let container = containers[row.sscc],
                ![BuiltInLocation.inTransit, BuiltInLocation.customer].contains(container.location)
            else { continue }
            expected[
                StockKey(sku: row.sku, lot: row.lot, location: container.location, state: .packed), default: .zero] +=
                row.quantity
        }
        var stored: [StockKey: Quantity] = [:]
        var stockCursor: StockKey?
        while true {
            let page = try await store.allStockLevels(after: stockCursor, limit: 5_000)
            guard let last = page.last else { break }
            stockCursor = last.key
            for level in page where level.key.state == .packed { stored[level.key] = level.quantity }
        }
        for key in Set(expected.keys).union(stored.keys).sorted() where expected[key] != stored[key] {
            found(
                "\(key): \(stored[key] ?? .zero) packed on the shelf, \(expected[key] ?? .zero) in the containers there"
            )
        }
    }
}
