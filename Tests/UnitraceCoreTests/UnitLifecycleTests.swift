import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

private func event(_ kind: EventKind, location: String? = nil, destination: String? = nil, sale: Sale? = nil) -> Event {
    Event(
        id: UUID(), kind: kind, occurredAt: Timestamp(millisecondsSince1970: 0),
        recordedAt: Timestamp(millisecondsSince1970: 0),
        location: location, destination: destination, actor: "ada", sale: sale, units: [EventLine(unit: .motor117)])
}

private func state(_ status: UnitStatus, at location: String = "WH1", owner: String? = nil) -> UnitState {
    UnitState(key: .motor117, status: status, location: location, owner: owner, version: 7)
}

@Suite("Unit lifecycle")
struct UnitLifecycleTests {
    struct Step: Sendable, CustomTestStringConvertible {
        let from: UnitStatus?
        let event: Event
        let to: UnitStatus
        let location: String
        var testDescription: String { "\(from.map(\.rawValue) ?? "new") --\(event.kind)--> \(to) at \(location)" }
    }

    @Test(
        "allowed transitions",
        arguments: [
            Step(from: nil, event: event(.receive, location: "WH1"), to: .inStock, location: "WH1"),
            Step(from: .expected, event: event(.receive, location: "WH1"), to: .inStock, location: "WH1"),
            Step(from: .voided, event: event(.receive, location: "WH2"), to: .inStock, location: "WH2"),
            Step(from: .inStock, event: event(.move, location: "WH2"), to: .inStock, location: "WH2"),
            Step(from: .quarantined, event: event(.move, location: "WH2"), to: .quarantined, location: "WH2"),
            Step(from: .inStock, event: event(.ship, destination: "SHOP"), to: .inTransit, location: "in-transit"),
            Step(
                from: .inStock, event: event(.sell, sale: Sale(customer: "C1", channel: "store:SHOP")), to: .sold,
                location: "customer"),
            Step(
                from: .inStock, event: event(.sell, sale: Sale(customer: "C1", channel: "online")), to: .sold,
                location: "WH1"),
            Step(
                from: .reserved, event: event(.sell, sale: Sale(customer: nil, channel: "online")), to: .sold,
                location: "WH1"),
            Step(from: .sold, event: event(.return, location: "SHOP"), to: .returned, location: "SHOP"),
            Step(from: .inStock, event: event(.quarantine), to: .quarantined, location: "WH1"),
            Step(from: .returned, event: event(.quarantine), to: .quarantined, location: "WH1"),
            Step(from: .quarantined, event: event(.release), to: .inStock, location: "WH1"),
            Step(from: .returned, event: event(.release), to: .inStock, location: "WH1"),
            Step(from: .quarantined, event: event(.scrap), to: .scrapped, location: "scrapped"),
        ])
    func allowed(_ step: Step) throws {
        let next = try UnitLifecycle.apply(step.event, line: step.event.units[0], to: step.from.map { state($0) })
        #expect(next.status == step.to)
        #expect(next.location == step.location)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let from: UnitStatus?
        let event: Event
        let rule: RuleViolation.Rule
        var testDescription: String { "\(from.map(\.rawValue) ?? "new") --\(event.kind)--> \(rule.rawValue)" }
    }

    @Test(
        "refused transitions name the rule",
        arguments: [
            Refusal(from: .inStock, event: event(.receive, location: "WH1"), rule: .alreadyInStock),
            Refusal(from: .sold, event: event(.receive, location: "WH1"), rule: .serialInUse),
            Refusal(from: .sold, event: event(.ship, destination: "SHOP"), rule: .notInStock),
            Refusal(from: .quarantined, event: event(.ship, destination: "SHOP"), rule: .notInStock),
            Refusal(
                from: .inTransit, event: event(.sell, sale: Sale(customer: nil, channel: "online")), rule: .notInStock),
            Refusal(
                from: .quarantined, event: event(.sell, sale: Sale(customer: nil, channel: "online")),
                rule: .cannotSellQuarantined),
            Refusal(
                from: .scrapped, event: event(.sell, sale: Sale(customer: nil, channel: "online")), rule: .unitScrapped),
            Refusal(from: .sold, event: event(.move, location: "WH2"), rule: .notMovable),
            Refusal(from: .inTransit, event: event(.move, location: "WH2"), rule: .notMovable),
            Refusal(from: .inStock, event: event(.move, location: "WH1"), rule: .alreadyAtLocation),
            Refusal(from: .inStock, event: event(.arrive), rule: .notInTransit),
            Refusal(from: .inStock, event: event(.return, location: "WH1"), rule: .notSold),
            Refusal(from: .inStock, event: event(.release), rule: .notHeld),
            Refusal(from: .quarantined, event: event(.quarantine), rule: .alreadyQuarantined),
            Refusal(from: .sold, event: event(.scrap), rule: .notInStock),
            Refusal(from: nil, event: event(.move, location: "WH2"), rule: .unknownUnit),
            Refusal(
                from: .voided, event: event(.sell, sale: Sale(customer: nil, channel: "online")), rule: .unknownUnit),
        ])
    func refused(_ refusal: Refusal) throws {
        let violation = try #require(throws: RuleViolation.self) {
            try UnitLifecycle.apply(refusal.event, line: refusal.event.units[0], to: refusal.from.map { state($0) })
        }
        #expect(violation.rule == refusal.rule)
        #expect(violation.unit == .motor117)
        #expect(violation.status == refusal.from)
    }

    @Test("selling a quarantined unit names unit, state and rule")
    func sellQuarantinedMessage() throws {
        let violation = try #require(throws: RuleViolation.self) {
            let sale = event(.sell, sale: Sale(customer: nil, channel: "online"))
            return try UnitLifecycle.apply(sale, line: sale.units[0], to: state(.quarantined))
        }
        #expect(
            "\(violation)" == "sell refused for EVM-200/M-000117: unit is quarantined (rule cannot-sell-quarantined)")
    }

    @Test("a sold unit ships to its own customer only and arrives at the customer")
    func shipSoldUnit() throws {
        let toOwner = event(.ship, destination: "customer:C1")
        let shipped = try UnitLifecycle.apply(toOwner, line: toOwner.units[0], to: state(.sold, owner: "C1"))
        #expect(shipped.status == .sold)
        #expect(shipped.location == BuiltInLocation.inTransit)
        let arrival = event(.arrive)
        let delivered = try UnitLifecycle.apply(arrival, line: arrival.units[0], to: shipped)
        #expect(delivered.location == BuiltInLocation.customer)
        #expect(delivered.destination == nil)

        let toStranger = event(.ship, destination: "customer:C2")
        let violation = try #require(throws: RuleViolation.self) {
            try UnitLifecycle.apply(toStranger, line: toStranger.units[0], to: state(.sold, owner: "C1"))
        }
        #expect(violation.rule == .soldToAnotherCustomer)
    }

    @Test("an arrival goes where the shipment was headed")
    func arriveAtDestination() throws {
        let ship = event(.ship, destination: "SHOP")
        let shipped = try UnitLifecycle.apply(ship, line: ship.units[0], to: state(.inStock))
        #expect(shipped.destination == "SHOP")
        let arrival = event(.arrive)
        let arrived = try UnitLifecycle.apply(arrival, line: arrival.units[0], to: shipped)
        #expect(arrived.status == .inStock)
        #expect(arrived.location == "SHOP")
    }

    @Test("a return clears the owner")
    func returnClearsOwner() throws {
        let back = event(.return, location: "SHOP")
        let returned = try UnitLifecycle.apply(back, line: back.units[0], to: state(.sold, at: "customer", owner: "C1"))
        #expect(returned.owner == nil)
        #expect(returned.status == .returned)
    }
}
