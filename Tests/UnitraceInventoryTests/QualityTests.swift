import Foundation
import Testing
import UnitraceCore
import UnitraceTestSupport

@testable import UnitraceInventory

private func motor(_ serial: String) -> UnitKey { UnitKey(sku: "EVM-200", serial: serial) }

/// Two runs on two lines: lot A (M-1…M-10, run R-A on line L1, night shift) and lot B (M-11…M-30, run R-B on
/// line L2). Packs P-1…P-3 each hold one motor of lot A.
private func plant() async throws -> Inventory {
    let inventory = try await Warehouse.make(on: try await TestStores.make())
    let context = EventContext.dock
    _ = try await inventory.addRun(
        RunRequest(id: "R-A", line: "L1", equipment: "W-3", operator: "OP-1", shift: "night"), context: context)
    _ = try await inventory.addRun(RunRequest(id: "R-B", line: "L2", operator: "OP-2", shift: "day"), context: context)
    for (lot, run, range, day) in [("A", "R-A", 1...10, "2026-09-28"), ("B", "R-B", 11...30, "2026-10-06")] {
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1-A-01", lines: range.map { ReceiveLine(serial: "M-\($0)") }, lot: lot,
                lotDetails: LotDetails(madeOn: try CalendarDay(parsing: day), supplier: "MOTORCO", run: run)),
            context: context)
    }
    _ = try await inventory.receive(
        ReceiveRequest(sku: "BP-75", location: "WH1-A-01", lines: (1...6).map { ReceiveLine(serial: "P-\($0)") }),
        context: context)
    for index in 1...3 {
        _ = try await inventory.install(
            AssemblyRequest(parent: "P-\(index)", components: ["M-\(index)"]), context: context)
    }
    for index in 4...6 {
        _ = try await inventory.install(
            AssemblyRequest(parent: "P-\(index)", components: ["M-\(index + 10)"]), context: context)
    }
    return inventory
}

private func noiseTest(_ result: Inspection.Result, value: String = "48") -> Inspection {
    Inspection(
        procedure: "EOL-NOISE", result: result,
        measurements: [MeasuredValue(name: "noise", value: value, unit: "dB", high: "45")],
        inspector: "OP-7", equipment: "BENCH-2", defect: result == .fail ? "bearing noise" : nil)
}

@Suite("Inspections, the shared cause of defects, and damage timelines")
struct QualityTests {
    @Test("an inspection is an event in the unit's history; a failure can quarantine in the same transaction")
    func inspections() async throws {
        let inventory = try await plant()
        let head = try await inventory.store.head()
        var context = EventContext.dock
        context.documents = [DocumentRef(type: "certificate", id: "TR-881")]
        let outcome = try await inventory.inspect(
            InspectionRequest(units: ["M-20", "M-1"], inspection: noiseTest(.fail), quarantine: true),
            context: context)
        #expect(outcome.units == [motor("M-20"), motor("M-1")])
        #expect(outcome.quarantined == [motor("M-20")], "M-1 is installed in P-1: inspected, not quarantined")
        #expect(try await inventory.store.head().sequence == head.sequence + 2, "inspection and quarantine")
        let states = try await inventory.store.states(of: [motor("M-20"), motor("M-1")])
        #expect(states[motor("M-20")]?.status == .quarantined && states[motor("M-1")]?.status == .installed)
        let passport = try await inventory.passport("M-20")
        #expect(passport.inspections.map(\.inspection.defect) == ["bearing noise"])
        #expect(passport.inspections.first?.documents == [DocumentRef(type: "certificate", id: "TR-881")])
        #expect(passport.inspections.first?.inspection.measurements?.first?.withinLimits == false)
        #expect(try await inventory.verify().ok, "the inspection's canonical form hashes as it was written")

        // A lot as a whole: no unit lines, the lot named; a failure quarantines its units in stock.
        let lot = try await inventory.inspect(
            InspectionRequest(
                lot: LotRef(sku: "EVM-200", lot: "B"), inspection: Inspection(procedure: "AQL-2.5", result: .fail),
                quarantine: true), context: .dock)
        #expect(lot.units.isEmpty && lot.inspection.lot == LotRef(sku: "EVM-200", lot: "B"))
        #expect(lot.quarantined.count == 16, "20 motors of lot B, 3 installed, 1 quarantined already")
        #expect(try await inventory.verify().ok)
    }

    @Test("bad inspections are refused, name what is wrong, and write nothing")
    func badInspections() async throws {
        let inventory = try await plant()
        let head = try await inventory.store.head()
        let cases: [(InspectionRequest, String)] = [
            (InspectionRequest(units: ["M-20"], inspection: noiseTest(.pass)), "outside its limits"),
            (
                InspectionRequest(units: ["M-20"], inspection: noiseTest(.pass, value: "40"), quarantine: true),
                "only a failed inspection quarantines"
            ),
            (InspectionRequest(inspection: noiseTest(.fail)), "not both or neither"),
            (InspectionRequest(lot: LotRef(sku: "EVM-200", lot: "NOPE"), inspection: noiseTest(.fail)), "unknown lot"),
            (InspectionRequest(units: ["M-20"], inspection: Inspection(procedure: " ", result: .fail)), "procedure"),
            (InspectionRequest(units: ["M-20"], inspection: noiseTest(.fail, value: "4x8")), "decimal number"),
        ]
        for (request, message) in cases {
            do {
                _ = try await inventory.inspect(request, context: .dock)
                Issue.record("accepted: \(request)")
            } catch let error as InputError {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
        await #expect(throws: BatchRejected.self) {
            _ = try await inventory.inspect(
                InspectionRequest(units: ["NO-SUCH"], inspection: noiseTest(.fail)), context: .dock)
        }
        #expect(try await inventory.store.head() == head)
        #expect(throws: InputError.self) { _ = try MeasuredValue(parsing: "noise48dB") }
        let parsed = try MeasuredValue(parsing: "resistance=12.4Ohm@12..13")
        #expect(parsed == MeasuredValue(name: "resistance", value: "12.4", unit: "Ohm", low: "12", high: "13"))
        #expect(parsed.withinLimits == true)
    }

    @Test("Fisher's exact test and the relative risk agree with worked examples")
    func statistics() throws {
        // 3 of 3 failed with the value, none of 3 without: p = 1 / C(6,3).
        let strong = FactorStatistics(failedWith: 3, failedWithout: 0, fineWith: 0, fineWithout: 3)
        #expect(abs(strong.fisherPValue - 0.05) < 1e-9)
        #expect(abs(strong.relativeRisk - 7) < 1e-9, "Haldane's half added to each cell")
        // 8 of 10 failed with the value, 2 of 20 without: RR = 0.8 / 0.1 = 8.
        let table = FactorStatistics(failedWith: 8, failedWithout: 2, fineWith: 2, fineWithout: 18)
        #expect(abs(table.relativeRisk - 8) < 1e-9)
        let interval = table.confidenceInterval
        #expect(interval.low > 2 && interval.low < 8 && interval.high > 8)
        // P(X >= 8) for the hypergeometric (N=30, K=10 failed, n=10 with the value).
        // (C(10,8)·C(20,2) + C(10,9)·C(20,1) + C(10,10)) / C(30,10) = 8,751 / 30,045,015.
        #expect(abs(table.fisherPValue - 8_751 / 30_045_015) < 1e-12, "\(table.fisherPValue)")
        let none = FactorStatistics(failedWith: 1, failedWithout: 1, fineWith: 9, fineWithout: 9)
        #expect(none.fisherPValue > 0.7 && abs(none.relativeRisk - 1) < 1e-9)
        #expect(try CalendarDay(parsing: "2026-09-28").isoWeek == "2026-W40")
        #expect(try CalendarDay(parsing: "2027-01-01").isoWeek == "2026-W53")
        #expect(try CalendarDay(parsing: "2024-12-30").isoWeek == "2025-W01")
    }

    @Test("the factors failed units share are ranked: their lot's run, line and shift, and their parts' lot")
    func causes() async throws {
        let inventory = try await plant()
        // Six motors of lot A fail their noise test, one of lot B.
        _ = try await inventory.inspect(
            InspectionRequest(units: ["M-4", "M-5", "M-6", "M-7", "M-8", "M-9", "M-25"], inspection: noiseTest(.fail)),
            context: .dock)
        _ = try await inventory.inspect(
            InspectionRequest(units: ["M-10", "M-26"], inspection: noiseTest(.pass, value: "40")), context: .dock)
        let analysis = try await inventory.causes(of: .inspections(procedure: "EOL-NOISE"))
        #expect(analysis.failed.count == 7 && analysis.population == 30)
        // Lot A's run, line, equipment, operator, shift and week hold exactly the same units: one finding.
        let top = try #require(analysis.findings.first)
        #expect(top.factor == .lot && top.value == "EVM-200/A")
        #expect(top.statistics.failedWith == 6 && top.statistics.fineWith == 4)
        #expect(top.statistics.fisherPValue < 0.01)
        let same = top.sameUnits.map { "\($0.factor.rawValue) \($0.value)" }
        #expect(
            same == [
                "run R-A", "line L1", "equipment W-3", "operator OP-1", "shift night", "made-on-week 2026-W40",
            ])
        #expect(!analysis.findings.contains { $0.factor == .supplier }, "every motor shares the supplier")

        // Packs: the failed ones hold motors of lot A; the cause is their parts' lot.
        let packs = try await inventory.causes(of: .units(["P-1", "P-2", "P-3"]))
        #expect(packs.findings.first?.factor == .componentLot && packs.findings.first?.value == "EVM-200/A")
        #expect(packs.findings.count == 1, "the parts' run and line hold the same packs")

        await #expect(throws: InputError.self) { _ = try await inventory.causes(of: .returns(reason: nil)) }
    }

    @Test("a damage timeline says where damage was first recorded and whether the lot and run are fine")
    func timeline() async throws {
        let inventory = try await plant()
        _ = try await inventory.ship(["M-22"], toLocation: "SHOP", context: .dock)
        _ = try await inventory.arrive(["M-22"], at: "SHOP", context: .dock)
        _ = try await inventory.inspect(
            InspectionRequest(units: ["M-22"], inspection: noiseTest(.fail)), context: .dock)
        var dented = EventContext.dock
        dented.reason = "dented"
        _ = try await inventory.quarantine(["M-23"], context: dented)
        let timeline = try await inventory.damageTimeline("M-22")
        #expect(timeline.firstSign?.phase == .warehouse && timeline.firstSign?.kind == .inspect)
        #expect(timeline.firstSign?.location == "SHOP")
        #expect(timeline.lot?.units == 19 && timeline.lot?.flagged == [motor("M-23")])
        #expect(timeline.run?.name == "run R-B")
        let clean = try await inventory.damageTimeline("M-11")
        #expect(clean.firstSign == nil && clean.signs == 0)
        #expect(DamageTimelineJSON(timeline).text.contains("in the warehouse (SHOP)"))
    }
}
