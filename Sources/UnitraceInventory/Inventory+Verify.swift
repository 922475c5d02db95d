import UnitraceCore

/// The outcome of re-walking the ledger.
public struct VerifyReport: Hashable, Sendable, Codable {
    public var events: Int64
    public var units: Int
    /// The first sequence whose hash, order or effect does not check out.
    public var firstBrokenSequence: Int64?
    /// Units whose stored state differs from what the ledger adds up to.
    public var mismatchedUnits: [String]
    public var problems: [String]

    public var ok: Bool { firstBrokenSequence == nil && mismatchedUnits.isEmpty && problems.isEmpty }
}

extension Inventory {
    /// Re-walks the hash chain from the first event, replays every event through the lifecycle, and
    /// compares the result with the stored unit states.
    public func verify(pageSize: Int = 2_000) async throws -> VerifyReport {
        var report = VerifyReport(events: 0, units: 0, firstBrokenSequence: nil, mismatchedUnits: [], problems: [])
        var previous = LedgerHash.Digest.genesis
        var expectedSequence: Int64 = 1
        var replayed: [UnitKey: UnitState] = [:]
        var after: Int64 = 0
        func broken(_ sequence: Int64, _ why: String) {
            if report.firstBrokenSequence == nil {
                report.firstBrokenSequence = sequence
                report.problems.append("sequence \(sequence): \(why)")
            }
        }
        scan: while true {
            let page = try await store.events(after: after, limit: pageSize, matching: .all)
            if page.isEmpty { break }
            for recorded in page {
                after = recorded.sequence
                report.events += 1
                if recorded.sequence != expectedSequence {
                    broken(expectedSequence, "missing from the ledger (next recorded is \(recorded.sequence))")
                    break scan
                }
                expectedSequence += 1
                let hash = LedgerHash.next(previous: previous, event: recorded.event)
                if hash != recorded.hash {
                    broken(
                        recorded.sequence,
                        "hash does not match its content: the event was altered after it was recorded")
                    break scan
                }
                previous = hash
                for line in recorded.event.units {
                    do {
                        var next = try UnitLifecycle.apply(recorded.event, line: line, to: replayed[line.unit])
                        next.version = recorded.sequence
                        replayed[line.unit] = next
                    } catch {
                        broken(recorded.sequence, "cannot be replayed: \(error)")
                        break scan
                    }
                }
            }
        }
        let head = try await store.head()
        if report.firstBrokenSequence == nil, head.sequence != expectedSequence - 1 {
            broken(
                expectedSequence, "the ledger head says \(head.sequence) but the chain ends at \(expectedSequence - 1)")
        }

        guard report.firstBrokenSequence == nil else { return report }
        var cursor: UnitKey?
        var seen = 0
        while true {
            let page = try await store.allUnits(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            cursor = last.key
            for state in page {
                seen += 1
                if replayed.removeValue(forKey: state.key) != state, report.mismatchedUnits.count < 100 {
                    report.mismatchedUnits.append(state.key.description)
                }
            }
        }
        report.units = seen
        for key in replayed.keys.sorted().prefix(100 - min(100, report.mismatchedUnits.count)) {
            report.mismatchedUnits.append(key.description)
        }
        if !report.mismatchedUnits.isEmpty {
            report.problems.append(
                "\(report.mismatchedUnits.count) unit(s) differ from what the ledger adds up to, first \(report.mismatchedUnits[0])"
            )
        }
        return report
    }
}
