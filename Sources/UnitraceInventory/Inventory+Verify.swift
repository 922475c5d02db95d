import Foundation
import UnitraceCore

/// The outcome of re-walking the ledger.
public struct VerifyReport: Hashable, Sendable, Codable {
    public var events: Int64
    public var units: Int
    /// The first sequence whose hash, order, columns or effect does not check out.
    public var firstBrokenSequence: Int64?
    /// Units whose stored state differs from what the ledger adds up to.
    public var mismatchedUnits: [String]
    public var problems: [String]
    /// The head the chain ends at, as `SEQ:HASH` (what `unitrace head` prints).
    public var head: String?
    /// The head given to check, when one was, and whether it is in the chain.
    public var witnessedHead: String?

    public var ok: Bool { firstBrokenSequence == nil && mismatchedUnits.isEmpty && problems.isEmpty }
}

/// A head recorded earlier (`SEQ:HASH`): a chain that still holds it has lost nothing up to it.
public struct HeadClaim: Hashable, Sendable, CustomStringConvertible {
    public var sequence: Int64
    public var hash: LedgerHash.Digest

    public init(sequence: Int64, hash: LedgerHash.Digest) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `SEQ:HASH` (the hash as 64 hexadecimal digits).
    public init(parsing text: String) throws(InputError) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, parts[1].utf8.count == 64,
            let bytes = Self.bytes(hex: parts[1])
        else {
            throw InputError(
                code: .invalidField,
                message: "a head is written SEQ:HASH, the hash in 64 hexadecimal digits, got '\(Limits.quote(text))'")
        }
        self.init(sequence: sequence, hash: LedgerHash.Digest(bytes: bytes))
    }

    public var description: String { "\(sequence):\(hash.hex)" }

    private static func bytes(hex: Substring) -> [UInt8]? {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

extension Inventory {
    /// The end of the chain as `SEQ:HASH`: kept elsewhere, it later proves that nothing before it was removed.
    public func head() async throws -> HeadClaim {
        let head = try await store.head()
        return HeadClaim(sequence: head.sequence, hash: head.hash)
    }

    /// Re-walks the hash chain from the first event, checks every column the store keeps beside each event's
    /// content, replays every event through the lifecycle, and compares the result with the stored unit rows
    /// and the lookup indexes. With `witnessed`, also proves that head is still in the chain: a chain cut
    /// short before it, or rewritten up to it, is reported.
    public func verify(pageSize: Int = 2_000, witnessed: HeadClaim? = nil) async throws -> VerifyReport {
        var report = VerifyReport(
            events: 0, units: 0, firstBrokenSequence: nil, mismatchedUnits: [], problems: [],
            witnessedHead: witnessed?.description)
        var previous = LedgerHash.Digest.genesis
        var expectedSequence: Int64 = 1
        var replayed: [UnitKey: UnitState] = [:]
        var after: Int64 = 0
        var witnessSeen = witnessed?.sequence == 0 && witnessed?.hash == .genesis
        func broken(_ sequence: Int64, _ why: String) {
            if report.firstBrokenSequence == nil {
                report.firstBrokenSequence = sequence
                report.problems.append("sequence \(sequence): \(why)")
            }
        }
        var indexProblems = 0
        var stock = Projections.StockTotals()
        var packing = ContainerReplay()
        var assembly = AssemblyReplay()
        scan: while true {
            let page = try await store.events(after: after, limit: pageSize, matching: .all)
            if page.isEmpty { break }
            // The identifier index of these events must be what they name (``Projections``).
            if let first = page.first, let last = page.last {
                let stored = try await store.identifierEntries(in: first.sequence...last.sequence)
                let expected = Projections.entries(of: page)
                if stored != expected, indexProblems < 10 {
                    indexProblems += 1
                    let missing = Set(expected).subtracting(stored).count
                    let extra = Set(stored).subtracting(expected).count
                    report.problems.append(
                        "the identifier index of events \(first.sequence)…\(last.sequence) differs from what they name "
                            + "(\(missing) missing, \(extra) extra): repair it with `unitrace rebuild`")
                }
            }
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
                        "hash does not match its content: the event was altered, removed or moved after it was recorded"
                    )
                    break scan
                }
                if let columns = recorded.columns {
                    let edited = columns.mismatches(with: recorded.event)
                    if !edited.isEmpty {
                        broken(
                            recorded.sequence,
                            "column \(edited.joined(separator: ", ")) differs from the event's hashed content: it was edited"
                        )
                        break scan
                    }
                }
                if let witnessed, witnessed.sequence == recorded.sequence {
                    guard witnessed.hash == hash else {
                        broken(recorded.sequence, "the witnessed head \(witnessed) is not this chain's hash there")
                        break scan
                    }
                    witnessSeen = true
                }
                previous = hash
                var corrected: Event?
                if recorded.event.kind == .correct, let id = recorded.event.corrects {
                    corrected = try await store.event(id: id)?.event
                }
                stock.add(recorded.event, correcting: corrected)
                assembly.add(recorded.event, sequence: recorded.sequence)
                do {
                    try packing.add(recorded.event, sequence: recorded.sequence)
                } catch {
                    broken(recorded.sequence, "cannot be replayed: \(error)")
                    break scan
                }
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
        report.head = HeadClaim(sequence: head.sequence, hash: head.hash).description
        if report.firstBrokenSequence == nil, head.sequence != expectedSequence - 1 {
            broken(
                expectedSequence, "the ledger head says \(head.sequence) but the chain ends at \(expectedSequence - 1)")
        }
        if report.firstBrokenSequence == nil, let witnessed, !witnessSeen {
            broken(
                expectedSequence,
                "the chain ends at \(expectedSequence - 1), before the witnessed head \(witnessed): events were cut off the end"
            )
        }

        guard report.firstBrokenSequence == nil else { return report }
        report.problems += try await stockDifferences(from: stock)
        report.problems += try await containerDifferences(from: packing, pageSize: pageSize)
        report.problems += try await assemblyDifferences(from: assembly, pageSize: pageSize)
        if try await store.unitCounts() != Projections.unitCounts(of: replayed.values) {
            report.problems.append(
                "the unit tally differs from the units the ledger adds up to: repair it with `unitrace rebuild`")
        }
        var expectedIndex: [UnitKey: (aliases: Set<Alias>, attributes: [String: String])] = [:]
        for (key, state) in replayed { expectedIndex[key] = (Set(state.aliases), state.attributes) }
        var cursor: UnitKey?
        var seen = 0
        func mismatch(_ key: UnitKey) {
            if report.mismatchedUnits.count < 100, !report.mismatchedUnits.contains(key.description) {
                report.mismatchedUnits.append(key.description)
            }
        }
        while true {
            let page = try await store.allUnits(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            cursor = last.key
            for state in page {
                seen += 1
                if replayed.removeValue(forKey: state.key) != state { mismatch(state.key) }
            }
        }
        report.units = seen
        for key in replayed.keys.sorted() { mismatch(key) }
        if !report.mismatchedUnits.isEmpty {
            report.problems.append(
                "\(report.mismatchedUnits.count) unit(s) differ from what the ledger adds up to, first \(report.mismatchedUnits[0])"
            )
        }

        // The alias and attribute tables, which scans and searches read, must say what the ledger says.
        var indexCursor: UnitKey?
        var badIndexes: [String] = []
        while true {
            let page = try await store.indexEntries(after: indexCursor, limit: pageSize)
            guard let last = page.last else { break }
            indexCursor = last.key
            for entry in page {
                let expected = expectedIndex.removeValue(forKey: entry.key)
                if expected?.aliases != entry.aliases || expected?.attributes != entry.attributes {
                    badIndexes.append(entry.key.description)
                }
            }
        }
        let strays = try await store.strayIndexRows()
        if !badIndexes.isEmpty {
            report.problems.append(
                "\(badIndexes.count) unit(s) have alias or attribute index rows that differ from the ledger, first \(badIndexes[0])"
            )
        }
        if strays > 0 {
            report.problems.append("\(strays) index or line row(s) name no unit")
        }
        return report
    }
}
