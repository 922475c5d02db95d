import UnitraceCore

public struct CountJSON: Encodable, Sendable {
    public var id: String
    public var location: String
    public var products: [String]
    public var state: String
    public var openedAt: String
    public var openedBy: String
    public var closedAt: String?
    public var approvedAt: String?
    public var expectedUnits: Int
    public var expectedQuantities: Int

    public init(_ count: StockCount) {
        id = count.id
        location = count.location
        products = count.products
        state = count.state.rawValue
        openedAt = count.openedAt.iso8601
        openedBy = count.openedBy
        closedAt = count.closedAt?.iso8601
        approvedAt = count.approvedAt?.iso8601
        expectedUnits = count.expected.units.count
        expectedQuantities = count.expected.quantities.count
    }
}

public struct CountResultJSON: Encodable, Sendable {
    public struct Seen: Encodable, Sendable {
        public var unit: String
        public var ledgerLocation: String
        public var status: String
        public var seenAt: String
    }

    public struct Missing: Encodable, Sendable {
        public var unit: String
        public var location: String
    }

    public struct Difference: Encodable, Sendable {
        public var product: String
        public var lot: String?
        public var location: String
        public var expected: String
        public var counted: String
    }

    public var count: CountJSON
    public var scans: Int
    public var matched: Int
    public var relocated: [Seen]
    public var missing: [Missing]
    public var unexpected: [Seen]
    public var unknown: [ProblemJSON]
    public var duplicates: [ProblemJSON]
    public var wrongStatus: [Seen]
    public var differences: [Difference]

    public init(_ result: CountResult) {
        func seen(_ item: CountResult.Unexpected) -> Seen {
            Seen(
                unit: item.unit.description, ledgerLocation: item.ledgerLocation, status: item.status.rawValue,
                seenAt: item.seenAt)
        }
        count = CountJSON(result.count)
        scans = result.scans
        matched = result.matched.count
        relocated = result.relocated.map(seen)
        missing = result.missing.map { Missing(unit: "\($0.sku)/\($0.serial)", location: $0.location) }
        unexpected = result.unexpected.map(seen)
        unknown = result.unknown.map(ProblemJSON.init)
        duplicates = result.duplicates.map(ProblemJSON.init)
        wrongStatus = result.wrongStatus.map(seen)
        differences = result.differences.map {
            Difference(
                product: $0.key.sku, lot: $0.key.lot.isEmpty ? nil : $0.key.lot, location: $0.key.location,
                expected: $0.expected.description, counted: $0.counted.description)
        }
    }

    /// The result in words, for the CLI.
    public var text: String {
        var lines = [
            "count \(count.id) of \(count.location) (\(count.state)): \(scans) scans, \(matched) matched, \(missing.count) missing, \(unexpected.count) unexpected, \(unknown.count) unknown, \(duplicates.count) duplicates, \(wrongStatus.count) wrong status, \(differences.count) quantity differences"
        ]
        for item in relocated {
            lines.append("  relocated   \(item.unit): ledger \(item.ledgerLocation), seen at \(item.seenAt)")
        }
        for item in missing { lines.append("  missing     \(item.unit) (ledger: \(item.location))") }
        for item in unexpected {
            lines.append(
                "  unexpected  \(item.unit): ledger \(item.status) at \(item.ledgerLocation), seen at \(item.seenAt)")
        }
        for item in unknown { lines.append("  unknown     \(item.scan) (never commissioned: a possible counterfeit)") }
        for item in duplicates { lines.append("  duplicate   \(item.scan) (line \(item.line), counted once)") }
        for item in wrongStatus {
            lines.append("  wrong status \(item.unit): ledger \(item.status), seen at \(item.seenAt)")
        }
        for item in differences {
            let lot = item.lot.map { " lot \($0)" } ?? ""
            lines.append(
                "  quantity    \(item.product)\(lot) at \(item.location): expected \(item.expected), counted \(item.counted)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
