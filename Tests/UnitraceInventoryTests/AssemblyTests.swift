import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func motor(_ serial: String) -> UnitKey { UnitKey(sku: "EVM-200", serial: serial) }
private func pack(_ serial: String) -> UnitKey { UnitKey(sku: "BP-75", serial: serial) }

/// Motors M-1…M-3 (lot ML-1 for M-1 and M-2) and battery packs B-1, B-2 at WH1-A-01; nothing installed. In this
/// small catalogue a battery pack plays the parent (the car) and a motor the component.
private func workshop() async throws -> Inventory {
    let inventory = try await Warehouse.make(on: try await TestStores.make())
    _ = try await inventory.receive(
        ReceiveRequest(
            sku: "EVM-200", location: "WH1-A-01", lines: ["M-1", "M-2"].map { ReceiveLine(serial: $0) }, lot: "ML-1"),
        context: .dock)
    try await Warehouse.receiveMotors(inventory, ["M-3"])
    _ = try await inventory.receive(
        ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: ["B-1", "B-2"].map { ReceiveLine(serial: $0) }),
        context: .dock)
    return inventory
}

private func rules(_ error: any Error) -> [String] {
    (error as? BatchRejected)?.problems.map(\.code) ?? ["\(error)"]
}

@Suite("Installing components into units, removing them, and tracing")
struct AssemblyTests {
    @Test("an install makes the component installed in its parent, in one event that names both")
    func install() async throws {
        let inventory = try await workshop()
        let head = try await inventory.store.head()
        let outcome = try await inventory.install(
            AssemblyRequest(parent: "BP-75/B-1", components: ["M-1", "EVM-200/M-3"]), context: .dock)
        #expect(outcome.components == [motor("M-1"), motor("M-3")])
        #expect(outcome.location == "WH1-A-01")
        #expect(try await inventory.store.head().sequence == head.sequence + 1)
        let states = try await inventory.store.states(of: [motor("M-1"), motor("M-3"), pack("B-1")])
        #expect(states[motor("M-1")]?.status == .installed)
        #expect(states[motor("M-1")]?.parent == pack("B-1"))
        #expect(states[pack("B-1")]?.status == .inStock)
        #expect(states[pack("B-1")]?.version == head.sequence + 1, "the parent's line locks it")
        let event = try #require(try await inventory.store.event(sequence: head.sequence + 1)?.event)
        #expect(event.kind == .install && event.parent == pack("B-1") && event.businessStep == "installing")
        #expect(try await inventory.verify().ok)
        let passport = try await inventory.passport("B-1")
        #expect(passport.components.map(\.state.key) == [motor("M-1"), motor("M-3")])
        #expect(try await inventory.passport("M-1").installedIn.map(\.key) == [pack("B-1")])
    }

    @Test("an installed component does nothing alone: it cannot be moved, sold, shipped or installed elsewhere")
    func installedStaysWithParent() async throws {
        let inventory = try await workshop()
        _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .dock)
        await #expect(throws: BatchRejected.self) {
            _ = try await inventory.move(["EVM-200/M-1"], product: nil, to: "WH1-B", context: .dock)
        }
        do {
            _ = try await inventory.install(AssemblyRequest(parent: "B-2", components: ["M-1"]), context: .dock)
            Issue.record("a component installed elsewhere was installed again")
        } catch {
            #expect(rules(error) == ["installed"])
        }
        // The parent moves; the component goes with it.
        _ = try await inventory.move(["BP-75/B-1"], product: nil, to: "WH1-B", context: .dock)
        let trace = try await inventory.traceUp("EVM-200/M-1")
        #expect(trace.outermost?.units.map(\.location) == ["WH1-B"])
        #expect(try await inventory.verify().ok)
    }

    @Test("nothing goes into itself or into one of its own components, not even within one batch")
    func noCycles() async throws {
        let inventory = try await workshop()
        do {
            _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["BP-75/B-1"]), context: .dock)
            Issue.record("a unit was installed into itself")
        } catch {
            #expect(rules(error) == ["install-into-itself"])
        }
        _ = try await inventory.install(AssemblyRequest(parent: "M-1", components: ["B-1"]), context: .dock)
        _ = try await inventory.install(AssemblyRequest(parent: "B-2", components: ["M-1"]), context: .dock)
        let head = try await inventory.store.head()
        do {
            // B-2 holds M-1, which holds B-1: B-2 cannot go into B-1.
            _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["B-2"]), context: .dock)
            Issue.record("a unit was installed into its own component")
        } catch {
            #expect(rules(error) == ["install-cycle"])
            #expect("\(error)".contains("BP-75/B-1 is inside BP-75/B-2"))
        }
        #expect(try await inventory.store.head() == head, "a refused install writes nothing")
    }

    @Test("removing a component that is not installed in that parent is refused and changes nothing")
    func removeNotInstalled() async throws {
        let inventory = try await workshop()
        _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .dock)
        let head = try await inventory.store.head()
        for (parent, component) in [("B-2", "M-1"), ("B-1", "M-2")] {
            do {
                _ = try await inventory.remove(
                    AssemblyRequest(parent: parent, components: [component]), context: .dock)
                Issue.record("removed \(component) from \(parent)")
            } catch {
                #expect(rules(error) == ["not-installed"])
            }
        }
        #expect(try await inventory.store.head() == head)
        let removed = try await inventory.remove(
            AssemblyRequest(parent: "B-1", components: ["M-1"], location: "WH1-B"), context: .dock)
        #expect(removed.location == "WH1-B")
        let state = try await inventory.store.states(of: [motor("M-1")])[motor("M-1")]
        #expect(state?.status == .inStock && state?.parent == nil && state?.location == "WH1-B")
        #expect(try await inventory.verify().ok)
    }

    @Test("a sold unit takes parts only in a repair")
    func soldNeedsService() async throws {
        let inventory = try await workshop()
        _ = try await inventory.sell(
            ["BP-75/B-1"], product: nil, sale: Sale(customer: "CUST-1", channel: "online"), context: .dock)
        do {
            _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .dock)
            Issue.record("a part went into a sold unit outside a repair")
        } catch {
            #expect(rules(error) == ["needs-service"])
        }
        let outcome = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-1"], repair: true), context: .dock)
        let event = try #require(try await inventory.store.event(sequence: outcome.receipt.lastSequence)?.event)
        #expect(event.businessStep == "repairing")
    }

    @Test("trace down as of a date shows what was inside then; trace up follows only the time a part was in")
    func traceThroughTime() async throws {
        let inventory = try await workshop()
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .at("2026-10-01T08:00:00+02:00"))
        _ = try await inventory.remove(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .at("2026-10-05T08:00:00+02:00"))
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-2"]), context: .at("2026-10-06T08:00:00+02:00"))
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-2", components: ["M-1"]), context: .at("2026-10-07T08:00:00+02:00"))

        let then = try await inventory.traceDown("B-1", at: try Trace.instant(parsing: "2026-10-02"))
        #expect(then.roots.first?.children.map(\.state.key) == [motor("M-1")])
        let now = try await inventory.traceDown("B-1")
        #expect(now.roots.first?.children.map(\.state.key) == [motor("M-2")])
        let before = try await inventory.traceDown("B-1", at: try Trace.instant(parsing: "2026-09-30"))
        #expect(before.roots.first?.children.isEmpty == true)

        // Lot ML-1 (M-1, M-2) went into B-1 (both, at different times) and B-2 (M-1, now).
        let up = try await inventory.traceUp(lot: LotKey(sku: "EVM-200", code: "ML-1"))
        #expect(up.roots.map(\.state.key) == [motor("M-1"), motor("M-2")])
        #expect(up.roots[0].children.map(\.state.key) == [pack("B-1"), pack("B-2")])
        #expect(up.roots[0].children[0].link?.removedMs != nil)
        #expect(Set(up.outermost?.units.map(\.key) ?? []) == [pack("B-1"), pack("B-2")])
        #expect(up.outermost?.members == 2 && up.outermost?.installed == 2 && up.outermost?.total == 2)
        #expect(try await inventory.verify().ok)
    }

    @Test("a trace up stops where the part was no longer inside: a later parent of its old parent is not reached")
    func traceWindows() async throws {
        let inventory = try await workshop()
        // M-3 is fitted in M-1 and taken out again; only then does M-1 go into B-1.
        _ = try await inventory.install(
            AssemblyRequest(parent: "M-1", components: ["M-3"]), context: .at("2026-10-01T08:00:00+02:00"))
        _ = try await inventory.remove(
            AssemblyRequest(parent: "M-1", components: ["M-3"]), context: .at("2026-10-02T08:00:00+02:00"))
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .at("2026-10-03T08:00:00+02:00"))
        let up = try await inventory.traceUp("EVM-200/M-3")
        #expect(up.roots[0].children.map(\.state.key) == [motor("M-1")])
        #expect(up.roots[0].children[0].children.isEmpty, "M-3 was out of M-1 before M-1 went into B-1")
        #expect(up.outermost?.units.map(\.key) == [motor("M-1")], "M-1 held M-3 until it was taken out")
        let down = try await inventory.traceDown("B-1")
        #expect(down.roots[0].children.map(\.state.key) == [motor("M-1")])
        #expect(down.roots[0].children[0].children.isEmpty)
    }

    @Test(
        "a lot's outermost units come from the index: through levels, across a removal, paged, and as rebuild writes them"
    )
    func outermostUnits() async throws {
        let inventory = try await workshop()
        let lot = LotKey(sku: "EVM-200", code: "ML-1")
        _ = try await inventory.install(
            AssemblyRequest(parent: "M-1", components: ["M-2"]), context: .at("2026-10-01T08:00:00+02:00"))
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .at("2026-10-02T08:00:00+02:00"))
        var up = try await inventory.traceUp(lot: lot)
        #expect(up.outermost?.units.map(\.key) == [pack("B-1")], "M-2 is in M-1, which is in B-1")
        #expect(up.outermost?.installed == 2)
        // M-1 (with M-2 inside) leaves B-1 for B-2: B-1 held the lot until then, B-2 holds it now.
        _ = try await inventory.remove(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .at("2026-10-03T08:00:00+02:00"))
        up = try await inventory.traceUp(lot: lot)
        #expect(Set(up.outermost?.units.map(\.key) ?? []) == [motor("M-1"), pack("B-1")], "loose M-1 holds M-2")
        #expect(up.outermost?.installed == 1)
        _ = try await inventory.install(
            AssemblyRequest(parent: "B-2", components: ["M-1"]), context: .at("2026-10-04T08:00:00+02:00"))
        up = try await inventory.traceUp(lot: lot)
        #expect(up.outermost?.total == 2)
        #expect(up.outermost?.places == [PlaceCount(status: .inStock, location: "WH1-A-01", count: 2)])
        let first = try await inventory.traceUp(lot: lot, limit: 1)
        let next = try #require(first.outermost?.next)
        let second = try await inventory.traceUp(lot: lot, after: next.description, limit: 1)
        #expect(second.outermost?.next == nil)
        #expect(
            Set((first.outermost?.units ?? []) + (second.outermost?.units ?? []) as [UnitState]).map(\.key).sorted()
                == [pack("B-1"), pack("B-2")])
        await #expect(throws: InputError.self) { _ = try await inventory.traceUp(lot: lot, after: "no-slash") }
        #expect(try await inventory.verify().ok, "the spells written commit by commit are the ledger's")
        #expect(try await inventory.traceUp("M-2").outermost?.units.map(\.key) == [pack("B-1"), pack("B-2")])

        // Rebuilt from the ledger, the same answer.
        try await inventory.store.replaceAssemblyLinks(with: [])
        #expect(try await inventory.traceUp(lot: lot).outermost?.total == 0)
        #expect(try await !inventory.verify().ok)
        _ = try await inventory.rebuild()
        #expect(try await inventory.traceUp(lot: lot).outermost?.units.map(\.key) == [pack("B-1"), pack("B-2")])
        #expect(try await inventory.verify().ok)
    }

    @Test("a lot bigger than the tree limit is answered by its outermost units, without a tree")
    func bigLot() async throws {
        let inventory = try await workshop()
        let serials = (1...(Trace.treeLimit + 1)).map { "X-\($0)" }
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1-A-01", lines: serials.map { ReceiveLine(serial: $0) }, lot: "BIG"),
            context: .dock)
        _ = try await inventory.install(AssemblyRequest(parent: "B-1", components: ["X-7"]), context: .dock)
        let up = try await inventory.traceUp(lot: LotKey(sku: "EVM-200", code: "BIG"))
        #expect(up.roots.isEmpty)
        #expect(up.outermost?.members == Trace.treeLimit + 1 && up.outermost?.installed == 1)
        #expect(up.outermost?.units.map(\.key) == [pack("B-1")])
        #expect(TraceJSON(up).text.contains("the tree is drawn for lots of up to \(Trace.treeLimit)"))
    }

    @Test("an unknown lot is an error; a lot whose units went nowhere answers with no finished units")
    func traceLots() async throws {
        let inventory = try await workshop()
        await #expect(throws: InputError.self) {
            _ = try await inventory.traceUp(lot: LotKey(sku: "EVM-200", code: "NO-SUCH"))
        }
        let trace = try await inventory.traceUp(lot: LotKey(sku: "EVM-200", code: "ML-1"))
        #expect(trace.roots.count == 2 && trace.outermost?.total == 0 && trace.outermost?.members == 2)
    }

    @Test("verify finds an edited assembly table, rebuild repairs it; installs are not corrected, but removed")
    func verifyAndRebuild() async throws {
        let inventory = try await workshop()
        let outcome = try await inventory.install(
            AssemblyRequest(parent: "B-1", components: ["M-1"]), context: .dock)
        try await inventory.store.replaceAssemblyLinks(with: [])
        let report = try await inventory.verify()
        #expect(report.problems.contains { $0.contains("assembly table") })
        let rebuilt = try await inventory.rebuild()
        #expect(rebuilt.assemblyRewritten)
        #expect(try await inventory.verify().ok)
        #expect(try await inventory.traceDown("B-1").roots[0].children.count == 1)
        await #expect(throws: InputError.self) {
            _ = try await inventory.correct(
                sequence: outcome.receipt.lastSequence, context: .at("2026-11-28T10:00:00+01:00", reason: "wrong"))
        }
    }
}
