import Foundation
import Testing
import UnitraceCore

private let a = "006141410000000012"
private let b = "006141410000000029"
private let p = "006141410000000036"

private func event(
    _ kind: EventKind, container: String? = nil, containers: [String]? = nil, location: String? = "WH1",
    destination: String? = nil, units: [UnitKey] = []
) -> Event {
    var event = Event(
        id: UUID(), kind: kind, occurredAt: Timestamp(millisecondsSince1970: 0, offsetSeconds: 0),
        recordedAt: Timestamp(millisecondsSince1970: 0, offsetSeconds: 0), location: location,
        destination: destination, actor: "t", units: units.map { EventLine(unit: $0) })
    event.container = container
    event.containers = containers
    return event
}

@Suite("Containers and their rules")
struct ContainerLifecycleTests {
    @Test("an SSCC is read bare, as GS1 data, as a Digital Link or as an EPC URI; a wrong check digit is refused")
    func ssccForms() throws {
        for text in [a, "(00)\(a)", "https://id.gs1.org/00/\(a)", "urn:epc:id:sscc:0614141.0000000001"] {
            #expect(try SSCC.parse(text) == a, "\(text)")
        }
        let wrong = try #require(throws: InputError.self) { try SSCC.parse("006141410000000013") }
        #expect(wrong.message.contains("check digit"))
        let unit = try #require(throws: InputError.self) { try SSCC.parse("(01)03760123450010(21)S1") }
        #expect(unit.message.contains("names no SSCC"))
        #expect(SSCC.digitalLink(a) == "https://id.gs1.org/00/\(a)")
    }

    @Test("a pack makes its container at the event's place and puts loose containers there into it")
    func pack() throws {
        let made = try ContainerLifecycle.apply(
            event(.pack, container: a), to: [:])
        #expect(made == [ContainerState(sscc: a, location: "WH1")])
        let states = [a: ContainerState(sscc: a, location: "WH1"), b: ContainerState(sscc: b, location: "WH1")]
        let nested = try ContainerLifecycle.apply(event(.pack, container: p, containers: [a, b]), to: states)
        #expect(nested.map(\.sscc) == [p, a, b])
        #expect(nested.dropFirst().allSatisfy { $0.parent == p })
    }

    @Test("packing refuses loops, a container already inside another, and a container elsewhere")
    func packRefusals() throws {
        var states = [
            a: ContainerState(sscc: a, parent: p, location: "WH1"), p: ContainerState(sscc: p, location: "WH1"),
            b: ContainerState(sscc: b, location: "WH2"),
        ]
        func refusal(_ e: Event) throws -> String {
            try #require(throws: InputError.self) { try ContainerLifecycle.apply(e, to: states) }.message
        }
        #expect(try refusal(event(.pack, container: a, containers: [p])).contains("\(a) is inside \(p)"))
        #expect(try refusal(event(.pack, container: p, containers: [p])).contains("into itself"))
        #expect(try refusal(event(.pack, container: b, containers: [a], location: "WH2")).contains("inside \(p)"))
        #expect(try refusal(event(.pack, container: p, containers: [b])).contains("\(b) is at WH2, not at WH1"))
        #expect(try refusal(event(.pack, container: b)).contains("\(b) is at WH2, not at WH1"))
        #expect(try refusal(event(.unpack, container: b, containers: [a])).contains("\(a) is not inside \(b)"))
        #expect(try refusal(event(.move, containers: [a], location: "WH2")).contains("inside \(p)"))
        #expect(try refusal(event(.scrap, containers: [p])).contains("does not move containers"))
        states[b] = nil
        #expect(try refusal(event(.move, containers: [b], location: "WH2")).contains("unknown container"))
    }

    @Test(
        "moving, shipping and arriving take every listed container along, to the event's place or its own destination")
    func moves() throws {
        let states = [
            a: ContainerState(sscc: a, parent: p, location: "WH1"), p: ContainerState(sscc: p, location: "WH1"),
        ]
        let moved = try ContainerLifecycle.apply(event(.move, containers: [p, a], location: "WH2"), to: states)
        #expect(moved.map(\.location) == ["WH2", "WH2"])
        #expect(moved.last?.parent == p)
        let shipped = try ContainerLifecycle.apply(
            event(.ship, containers: [p, a], location: nil, destination: "SHOP"), to: states)
        #expect(shipped.allSatisfy { $0.location == BuiltInLocation.inTransit && $0.destination == "SHOP" })
        let inTransit = Dictionary(uniqueKeysWithValues: shipped.map { ($0.sscc, $0) })
        let arrived = try ContainerLifecycle.apply(event(.arrive, containers: [p, a], location: nil), to: inTransit)
        #expect(arrived.allSatisfy { $0.location == "SHOP" && $0.destination == nil })
        let again = try #require(throws: InputError.self) {
            try ContainerLifecycle.apply(event(.ship, containers: [p, a], destination: "SHOP"), to: inTransit)
        }
        #expect(again.message.contains("already in transit"))
    }

    @Test("a packed unit moves only with its container, is packed only when loose and at the container's place")
    func units() throws {
        let m1 = UnitKey(sku: "EVM-200", serial: "M-1")
        let loose = UnitState(key: m1, status: .inStock, location: "WH1")
        var packed = loose
        packed.container = a
        let into = try UnitLifecycle.apply(
            event(.pack, container: a, units: [m1]), line: EventLine(unit: m1), to: loose)
        #expect(into.container == a)
        func rule(_ e: Event, _ state: UnitState) throws -> RuleViolation.Rule {
            try #require(throws: RuleViolation.self) {
                try UnitLifecycle.apply(e, line: EventLine(unit: m1), to: state)
            }.rule
        }
        #expect(try rule(event(.move, location: "WH2", units: [m1]), packed) == .packed)
        #expect(try rule(event(.sell, location: nil, units: [m1]), packed) == .packed)
        #expect(try rule(event(.pack, container: b, units: [m1]), packed) == .alreadyPacked)
        #expect(try rule(event(.pack, container: b, location: "WH2", units: [m1]), loose) == .notAtContainer)
        #expect(try rule(event(.unpack, container: b, units: [m1]), packed) == .notInContainer)
        let moved = try UnitLifecycle.apply(
            event(.move, containers: [a], location: "WH2", units: [m1]), line: EventLine(unit: m1), to: packed)
        #expect(moved.location == "WH2" && moved.container == a)
        let out = try UnitLifecycle.apply(
            event(.unpack, container: a, units: [m1]), line: EventLine(unit: m1), to: packed)
        #expect(out.container == nil)
        let quarantined = try UnitLifecycle.apply(
            event(.quarantine, location: nil, units: [m1]), line: EventLine(unit: m1), to: packed)
        #expect(quarantined.container == a)
    }

    @Test("a pack takes quantities off the shelf into packed stock; a container's move moves packed stock")
    func stock() throws {
        var pack = event(.pack, container: a)
        pack.quantities = [try QuantityLine(sku: "YOG-1", lot: "L-1", quantity: "5", uom: "KGM")]
        pack.source = "WH1"
        #expect(
            StockMovements.of(pack).map { "\($0.key) \($0.delta)" } == [
                "YOG-1 lot L-1 at WH1 -5", "YOG-1 lot L-1 at WH1 (packed) 5",
            ])
        #expect(
            PackedQuantity.changes(of: pack) == [
                PackedQuantity(sscc: a, sku: "YOG-1", lot: "L-1", quantity: Quantity(whole: 5))
            ])
        var move = event(.move, containers: [a], location: "WH2")
        move.quantities = pack.quantities
        move.source = "WH1"
        #expect(
            StockMovements.of(move).map { "\($0.key) \($0.delta)" } == [
                "YOG-1 lot L-1 at WH1 (packed) -5", "YOG-1 lot L-1 at WH2 (packed) 5",
            ])
        #expect(PackedQuantity.changes(of: move).isEmpty)
    }
}
