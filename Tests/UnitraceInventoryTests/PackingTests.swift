import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private let caseA = "006141410000000012"
private let caseB = "006141410000000029"
private let pallet = "006141410000000036"

/// Three motors and some yoghurt and screws at WH1-A-01; nothing packed.
private func warehouse() async throws -> Inventory {
    try await Warehouse.stocked(on: try await TestStores.make(), stock: "WH1-A-01")
}

/// Case A holds M-1 and 5 kg of yoghurt; case B holds M-2 and 100 screws; the pallet holds both cases.
private func packedPallet() async throws -> Inventory {
    let inventory = try await warehouse()
    _ = try await inventory.pack(
        PackRequest(
            container: caseA, units: ["M-1"], quantities: [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "5")]),
        context: .dock)
    _ = try await inventory.pack(
        PackRequest(
            container: "(00)\(caseB)", units: ["EVM-200/M-2"],
            quantities: [StockLineRequest(sku: "SCREW-4", quantity: "100")]),
        context: .dock)
    _ = try await inventory.pack(PackRequest(container: pallet, containers: [caseA, caseB]), context: .dock)
    return inventory
}

private func key(_ serial: String) -> UnitKey { UnitKey(sku: "EVM-200", serial: serial) }

private func level(_ inventory: Inventory, _ sku: String, _ lot: String?, _ location: String, _ state: StockState)
    async throws -> Quantity
{
    let key = StockKey(sku: sku, lot: lot, location: location, state: state)
    return try await inventory.store.stockLevels(of: [key])[key] ?? .zero
}

@Suite("Packing units and quantities into containers")
struct PackingTests {
    @Test("a pack makes the container where its content is; packed stock leaves the shelf for the container")
    func packMakesContainer() async throws {
        let inventory = try await packedPallet()
        let tree = try await inventory.container(pallet)
        #expect(tree.state.location == "WH1-A-01")
        #expect(tree.state.parent == nil)
        #expect(tree.containers.map(\.state.sscc) == [caseA, caseB])
        #expect(tree.unitCount == 2)
        let a = try #require(tree.containers.first)
        #expect(a.units.map(\.key) == [key("M-1")])
        #expect(a.quantities == [PackedQuantity(sscc: caseA, sku: "YOG-1", lot: "L-1", quantity: Quantity(whole: 5))])
        #expect(try await inventory.store.states(of: [key("M-1")])[key("M-1")]?.container == caseA)
        #expect(try await level(inventory, "YOG-1", "L-1", "WH1-A-01", .available) == Quantity(whole: 15))
        #expect(try await level(inventory, "YOG-1", "L-1", "WH1-A-01", .packed) == Quantity(whole: 5))
        #expect(try await level(inventory, "SCREW-4", nil, "WH1-A-01", .available) == Quantity(whole: 400))
        #expect(try await inventory.verify().ok)
        #expect(try await inventory.audit().ok)
    }

    @Test("moving the outer container moves every container, unit and quantity inside it, in one event")
    func moveMovesContent() async throws {
        let inventory = try await packedPallet()
        let head = try await inventory.store.head()
        let outcome = try await inventory.move([pallet], to: "WH1-B", context: .dock)
        #expect(outcome.receipt.events == 1)
        #expect(outcome.containers == [pallet, caseA, caseB])
        #expect(Set(outcome.units) == [key("M-1"), key("M-2")])
        let states = try await inventory.store.states(of: [key("M-1"), key("M-2"), key("M-3")])
        #expect(states[key("M-1")]?.location == "WH1-B")
        #expect(states[key("M-2")]?.location == "WH1-B")
        #expect(states[key("M-3")]?.location == "WH1-A-01")
        #expect(try await level(inventory, "YOG-1", "L-1", "WH1-B", .packed) == Quantity(whole: 5))
        #expect(try await level(inventory, "SCREW-4", nil, "WH1-B", .packed) == Quantity(whole: 100))
        #expect(try await level(inventory, "SCREW-4", nil, "WH1-A-01", .packed) == .zero)
        let containers = try await inventory.store.containers([pallet, caseA, caseB])
        #expect(containers.values.allSatisfy { $0.location == "WH1-B" })
        #expect(try await inventory.store.head().sequence == head.sequence + 1)
        #expect(try await inventory.verify().ok)
    }

    @Test("shipping a container puts it and its content in transit; its arrival puts them on the shelf, still packed")
    func shipAndArrive() async throws {
        let inventory = try await packedPallet()
        _ = try await inventory.ship(["(00)\(pallet)"], toLocation: "SHOP", context: .dock)
        #expect(try await inventory.store.states(of: [key("M-1")])[key("M-1")]?.status == .inTransit)
        #expect(try await inventory.store.containers([caseB])[caseB]?.location == BuiltInLocation.inTransit)
        #expect(try await level(inventory, "SCREW-4", nil, "SHOP", .inTransit) == Quantity(whole: 100))
        _ = try await inventory.arrive([pallet], at: nil, context: .dock)
        let m2 = try await inventory.store.states(of: [key("M-2")])[key("M-2")]
        #expect(m2?.status == .inStock)
        #expect(m2?.location == "SHOP")
        #expect(m2?.container == caseB)
        #expect(try await level(inventory, "SCREW-4", nil, "SHOP", .packed) == Quantity(whole: 100))
        #expect(try await level(inventory, "SCREW-4", nil, "SHOP", .inTransit) == .zero)
        #expect(try await inventory.container(pallet).state.location == "SHOP")
        #expect(try await inventory.verify().ok)
        #expect(try await inventory.audit().ok)
    }

    @Test(
        "a packed unit is not moved, sold or scrapped on its own, and a packed container not moved without its holder")
    func packedContentStaysPut() async throws {
        let inventory = try await packedPallet()
        let head = try await inventory.store.head()
        let moved = try await #require(throws: BatchRejected.self) {
            try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        }
        #expect(moved.problems.first?.message.contains("packed in container \(caseA)") == true)
        let sold = try await #require(throws: BatchRejected.self) {
            try await inventory.sell(["M-1"], sale: Sale(customer: "C-1", channel: "online"), context: .dock)
        }
        #expect(sold.problems.first?.message.contains("unpack it first") == true)
        let scrapped = try await #require(throws: BatchRejected.self) {
            try await inventory.scrap(["M-2"], context: EventContext(actor: "ops", reason: "dropped"))
        }
        #expect(scrapped.problems.first?.message.contains("(rule packed)") == true)
        let inner = try await #require(throws: BatchRejected.self) {
            try await inventory.move([caseA], to: "WH1-B", context: .dock)
        }
        #expect(inner.problems.first?.message.contains("inside \(pallet)") == true)
        let picked = try await inventory.pick([PickRequest(sku: "EVM-200", quantity: "1")], at: "WH1")
        #expect(picked.lines.map(\.unit) == [key("M-3")])
        #expect(try await inventory.store.head() == head)
    }

    @Test("bad packing is refused with its reason and writes nothing")
    func refusals() async throws {
        let inventory = try await packedPallet()
        let head = try await inventory.store.head()
        func refusal(_ request: PackRequest, unpack: Bool = false) async throws -> String {
            do {
                if unpack {
                    _ = try await inventory.unpack(request, context: .dock)
                } else {
                    _ = try await inventory.pack(request, context: .dock)
                }
            } catch {
                if let rejected = error as? BatchRejected {
                    return rejected.problems.map(\.message).joined(separator: "; ")
                }
                return (error as? InputError)?.message ?? "\(error)"
            }
            Issue.record("\(request) was accepted")
            return ""
        }
        #expect(try await refusal(PackRequest(container: "006141410000000013", units: ["M-3"])).contains("check digit"))
        #expect(try await refusal(PackRequest(container: pallet, containers: [pallet])).contains("into itself"))
        #expect(
            try await refusal(PackRequest(container: caseA, containers: [pallet])).contains(
                "\(caseA) is inside \(pallet), so \(pallet) cannot go into it"))
        #expect(
            try await refusal(PackRequest(container: caseB, units: ["M-1"])).contains("packed in container \(caseA)"))
        _ = try await inventory.move(["M-3"], to: "WH1-B", context: .dock)
        let moved = try await inventory.store.head()
        #expect(
            try await refusal(PackRequest(container: caseA, units: ["M-3"])).contains("the container is at WH1-A-01"))
        #expect(try await refusal(PackRequest(container: caseA, units: ["M-2"]), unpack: true).contains(caseB))
        #expect(
            try await refusal(
                PackRequest(container: caseA, quantities: [StockLineRequest(sku: "YOG-1", lot: "L-1", quantity: "6")]),
                unpack: true
            ).contains("holds 5 of YOG-1 lot L-1, not 6"))
        #expect(
            try await refusal(PackRequest(container: "006141410000000043"), unpack: true).contains("unknown container"))
        #expect(try await refusal(PackRequest(container: caseA)).contains("nothing to pack"))
        #expect(
            try await refusal(PackRequest(container: "006141410000000043", units: ["M-3"], location: "WH1-A-01"))
                .contains("the container is at WH1-A-01"))
        #expect(try await inventory.store.head() == moved)
        #expect(moved.sequence == head.sequence + 1)
        let correction = try await #require(throws: InputError.self) {
            try await inventory.correct(sequence: head.sequence, context: EventContext(actor: "ops", reason: "oops"))
        }
        #expect(correction.code == .packingRefused)
    }

    @Test("unpacking everything leaves the content loose where the container is, and the stock back on the shelf")
    func unpackEverything() async throws {
        let inventory = try await packedPallet()
        _ = try await inventory.move([pallet], to: "WH1-B", context: .dock)
        let outer = try await inventory.unpack(PackRequest(container: pallet, everything: true), context: .dock)
        #expect(outer.containers == [caseA, caseB])
        #expect(try await inventory.store.containers([caseA])[caseA]?.parent == nil)
        let inner = try await inventory.unpack(PackRequest(container: caseA, everything: true), context: .dock)
        #expect(inner.units == [key("M-1")])
        #expect(inner.location == "WH1-B")
        #expect(try await inventory.store.states(of: [key("M-1")])[key("M-1")]?.container == nil)
        #expect(try await level(inventory, "YOG-1", "L-1", "WH1-B", .available) == Quantity(whole: 5))
        #expect(try await level(inventory, "YOG-1", "L-1", "WH1-B", .packed) == .zero)
        #expect(try await inventory.container(caseA).units.isEmpty)
        _ = try await inventory.move(["M-1"], to: "WH1-A-01", context: .dock)
        #expect(try await inventory.verify().ok)
        #expect(try await inventory.audit().ok)
    }

    @Test("a unit put in a container past the rules is reported by verify and by the audit's container check")
    func forgedContent() async throws {
        let inventory = try await packedPallet()
        _ = try await inventory.move(["M-3"], to: "WH1-B", context: .dock)
        // What an import from another system, or an edit of the store, can leave: M-3 said to be in case A.
        let before = try #require(try await inventory.store.states(of: [key("M-3")])[key("M-3")])
        var after = before
        after.container = caseA
        let event = inventory.newEvent(
            .observe, context: .dock, location: "WH1-B", lines: [EventLine(unit: key("M-3"))])
        _ = try await inventory.store.commit(
            CommitBatch(items: [.init(event: event)], changes: [.init(before: before, after: after, lastItem: 0)]))
        #expect(try await inventory.verify().mismatchedUnits == ["EVM-200/M-3"])
        let audit = try await inventory.audit()
        let finding = try #require(audit.findings.first { $0.check == .containerContent })
        #expect(finding.count == 1)
        #expect(finding.examples == ["EVM-200/M-3: at WH1-B, its container \(caseA) at WH1-A-01"])
    }

    @Test("containers lost from their tables are reported by verify and written again by rebuild")
    func rebuildContainers() async throws {
        let inventory = try await packedPallet()
        _ = try await inventory.move([pallet], to: "WH1-B", context: .dock)
        let stored = try await inventory.store.allContainers(after: nil, limit: 10)
        try await inventory.store.replaceContainers(with: ContainerReplay())
        let broken = try await inventory.verify()
        #expect(broken.problems.contains { $0.contains("3 container(s) differ") && $0.contains("unitrace rebuild") })
        #expect(broken.problems.contains { $0.contains("quantities packed in 2 container(s)") })
        let report = try await inventory.rebuild()
        #expect(report.containersRewritten)
        #expect(try await inventory.store.allContainers(after: nil, limit: 10) == stored)
        #expect(try await inventory.verify().ok)
        #expect(try await !inventory.rebuild().containersRewritten)
    }
}
