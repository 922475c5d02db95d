import Foundation
import Testing
import UnitraceCore
import UnitraceInventory

/// One way to edit a store behind Unitrace's back, with its immutability triggers out of the way, as anyone
/// holding the file or the database can, and what `verify` must then say. Every engine runs every case.
public struct Tampering: Sendable, CustomTestStringConvertible {
    public var name: String
    /// Statements, run in order, that work in both engines' SQL.
    public var statements: [String]
    /// The sequence `verify` must name first (`nil`: the chain holds, a projection or index is caught).
    public var brokenAt: Int64?
    /// Words the first problem must contain.
    public var problem: String
    /// Check with the head recorded before the tampering (`verify --head`).
    public var withHead = false

    public var testDescription: String { name }

    /// The ledger every case edits: a receipt of two motors (one with an alias and an attribute), two moves
    /// and a quarantine — sequences 1 to 4.
    public static func makeLedger(_ inventory: Inventory) async throws {
        _ = try await inventory.receive(
            ReceiveRequest(
                sku: "EVM-200", location: "WH1-A-01",
                lines: [
                    ReceiveLine(serial: "M-1", aliases: [Alias(kind: .own, value: "U-1")]), ReceiveLine(serial: "M-2"),
                ],
                attributes: ["color": "red"]),
            context: .dock)
        _ = try await inventory.move(["M-1"], to: "WH1-B", context: .dock)
        _ = try await inventory.move(["M-2"], to: "WH1-B", context: .dock)
        _ = try await inventory.quarantine(["M-1"], context: .at("2026-11-27T12:00:00+01:00", reason: "dent"))
    }

    /// Checks `report` against the case.
    public func check(_ report: VerifyReport) {
        #expect(!report.ok, "\(name): verify said intact")
        #expect(report.firstBrokenSequence == brokenAt, "\(name): \(report.problems)")
        #expect(report.problems.first?.contains(problem) == true, "\(name): \(report.problems)")
    }

    public static let all: [Tampering] = [
        Tampering(
            name: "an event's time moved 300 days back, to hide it from a date filter",
            statements: ["UPDATE event SET occurred_ms = occurred_ms - 25920000000 WHERE sequence = 2"], brokenAt: 2,
            problem: "column occurred_ms differs from the event's hashed content"),
        Tampering(
            name: "an event's kind changed", statements: ["UPDATE event SET kind = 'sell' WHERE sequence = 3"],
            brokenAt: 3, problem: "column kind differs"),
        Tampering(
            name: "an event's unit count changed", statements: ["UPDATE event SET unit_count = 7 WHERE sequence = 1"],
            brokenAt: 1, problem: "column unit_count differs"),
        Tampering(
            name: "an event given a request id", statements: ["UPDATE event SET request_id = 'k:x' WHERE sequence = 4"],
            brokenAt: 4, problem: "column request_id differs"),
        Tampering(
            name: "an event's id changed",
            statements: ["UPDATE event SET id = '00000000-0000-4000-8000-0000000000FF' WHERE sequence = 2"],
            brokenAt: 2, problem: "column id differs"),
        Tampering(
            name: "an event row deleted",
            statements: ["DELETE FROM event_unit WHERE sequence = 2", "DELETE FROM event WHERE sequence = 2"],
            brokenAt: 2, problem: "missing from the ledger"),
        Tampering(
            name: "an event's line deleted", statements: ["DELETE FROM event_unit WHERE sequence = 1 AND line = 2"],
            brokenAt: 1, problem: "hash does not match its content"),
        Tampering(
            name: "two events swapped",
            statements: [
                "UPDATE event_unit SET sequence = 100 WHERE sequence = 2",
                "UPDATE event_unit SET sequence = 2 WHERE sequence = 3",
                "UPDATE event_unit SET sequence = 3 WHERE sequence = 100",
                "UPDATE event SET sequence = 100 WHERE sequence = 2",
                "UPDATE event SET sequence = 2 WHERE sequence = 3",
                "UPDATE event SET sequence = 3 WHERE sequence = 100",
            ], brokenAt: 2, problem: "hash does not match its content"),
        Tampering(
            name: "the last event cut off the end",
            statements: ["DELETE FROM event_unit WHERE sequence = 4", "DELETE FROM event WHERE sequence = 4"],
            brokenAt: 4, problem: "chain ends at 3", withHead: true),
        Tampering(
            name: "an alias index row pointed at another value",
            statements: ["UPDATE alias SET value = 'U-9' WHERE value = 'U-1'"], brokenAt: nil,
            problem: "alias or attribute index rows that differ from the ledger"),
        Tampering(
            name: "an attribute index row removed",
            statements: ["DELETE FROM unit_attribute WHERE unit_id = (SELECT id FROM unit WHERE serial = 'M-2')"],
            brokenAt: nil, problem: "alias or attribute index rows that differ from the ledger"),
        Tampering(
            name: "a unit row's location changed",
            statements: ["UPDATE unit SET location = 'SHOP' WHERE serial = 'M-2'"], brokenAt: nil,
            problem: "differ from what the ledger adds up to"),
        Tampering(
            name: "a unit made to look fitted inside another, to hide it from a trace",
            statements: [
                "UPDATE unit SET root_id = (SELECT id FROM unit WHERE serial = 'M-2'), root_since = 0 WHERE serial = 'M-1'"
            ], brokenAt: nil, problem: "the outermost unit of 1 unit(s) differs"),
    ]
}
