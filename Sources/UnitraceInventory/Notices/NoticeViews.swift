import Foundation
import UnitraceCore

public struct NoticeJSON: Encodable, Sendable {
    public struct Line: Encodable, Sendable {
        public var product: String
        public var serial: String?
        public var lot: String?
        public var quantity: String?
        public var expiry: String?
        public var madeOn: String?

        init(_ line: NoticeLine) {
            product = line.sku
            serial = line.serial
            lot = line.lot
            quantity = line.quantity?.description
            expiry = line.expiry?.description
            madeOn = line.madeOn?.description
        }
    }

    public var id: String
    public var type: String
    public var supplier: String
    public var order: String?
    public var orderedOn: String?
    public var expectedOn: String?
    public var location: String?
    public var state: String
    public var createdAt: String
    public var createdBy: String
    public var settledAt: String?
    public var settledBy: String?
    public var receivedOn: String?
    public var leadTimeDays: Int64?
    public var reason: String?
    public var event: String?
    public var lines: [Line]?
    public var announcedUnits: Int
    public var announcedQuantities: Int

    /// With `lines` false, the header only (for lists).
    public init(_ notice: ShipNotice, lines withLines: Bool = true) {
        id = notice.id
        type = notice.kind.rawValue
        supplier = notice.supplier
        order = notice.order
        orderedOn = notice.orderedOn?.description
        expectedOn = notice.expectedOn?.description
        location = notice.location
        state = notice.state.rawValue
        createdAt = notice.createdAt.iso8601
        createdBy = notice.createdBy
        settledAt = notice.settlement?.at.iso8601
        settledBy = notice.settlement?.by
        receivedOn = notice.settlement.map { $0.event == nil ? nil : $0.receivedOn.description } ?? nil
        leadTimeDays = notice.state == .refused ? nil : notice.settlement?.leadTimeDays
        reason = notice.settlement?.reason
        event = notice.settlement?.event?.uuidString
        lines = withLines ? notice.lines.map(Line.init) : nil
        announcedUnits = notice.lines.count { $0.serial != nil }
        announcedQuantities = notice.lines.count { $0.quantity != nil }
    }
}

public struct NoticeResultJSON: Encodable, Sendable {
    public struct Scanned: Encodable, Sendable {
        public var line: Int
        public var scan: String
        public var unit: String
        public var lot: String?
        /// What the notice announced instead (a product, or a lot).
        public var announced: String?
    }

    public struct Tally: Encodable, Sendable {
        public var product: String
        public var lot: String?
        public var announced: String
        public var received: String
    }

    public var notice: NoticeJSON
    public var scans: Int
    public var clean: Bool
    public var matched: [Scanned]
    public var missing: [NoticeJSON.Line]
    public var unexpected: [Scanned]
    public var wrongProduct: [Scanned]
    public var wrongLot: [Scanned]
    public var duplicates: [ProblemJSON]
    public var unreadable: [ProblemJSON]
    public var short: [Tally]
    public var over: [Tally]
    public var quantities: [Tally]

    public init(_ result: NoticeResult) {
        func scanned(_ item: NoticeResult.Scanned, announced: String? = nil) -> Scanned {
            Scanned(line: item.line, scan: item.scan, unit: item.unit.description, lot: item.lot, announced: announced)
        }
        func tally(_ item: NoticeResult.Tally) -> Tally {
            Tally(
                product: item.sku, lot: item.lot, announced: item.announced.description,
                received: item.received.description)
        }
        notice = NoticeJSON(result.notice)
        scans = result.scans
        clean = result.isClean
        matched = result.matched.map { scanned($0) }
        missing = result.missing.map(NoticeJSON.Line.init)
        unexpected = result.unexpected.map { scanned($0) }
        wrongProduct = result.wrongProduct.map { scanned($0.scanned, announced: $0.announced) }
        wrongLot = result.wrongLot.map { scanned($0.scanned, announced: $0.announced ?? "no lot") }
        duplicates = result.duplicates.map(ProblemJSON.init)
        unreadable = result.unreadable.map(ProblemJSON.init)
        short = result.short.map(tally)
        over = result.over.map(tally)
        quantities = result.quantities.map(tally)
    }

    /// The result in words, for the CLI.
    public var text: String {
        var lines = [
            "\(notice.type) \(notice.id) from \(notice.supplier) (\(notice.state)): \(scans) scans, \(matched.count) matched, \(missing.count) missing, \(unexpected.count) unexpected, \(wrongProduct.count) wrong product, \(wrongLot.count) wrong lot, \(duplicates.count) duplicates, \(short.count) short, \(over.count) over"
        ]
        if let lead = notice.leadTimeDays {
            lines.append("  lead time   \(lead) days (ordered \(notice.orderedOn ?? "?"))")
        }
        if let reason = notice.reason, notice.state == "refused" { lines.append("  refused     \(reason)") }
        for item in missing {
            let what = item.serial.map { "\(item.product)/\($0)" } ?? item.product
            lines.append("  missing     \(what)")
        }
        for item in unexpected { lines.append("  unexpected  \(item.unit) (line \(item.line): \(item.scan))") }
        for item in wrongProduct {
            lines.append("  wrong product \(item.unit): announced as \(item.announced ?? "?")")
        }
        for item in wrongLot {
            lines.append(
                "  wrong lot   \(item.unit): lot \(item.lot ?? "none"), announced \(item.announced ?? "no lot")")
        }
        for item in duplicates { lines.append("  duplicate   \(item.scan) (line \(item.line), counted once)") }
        for item in unreadable { lines.append("  unreadable  \(item.scan): \(item.message)") }
        for (word, items) in [("short", short), ("over", over)] {
            for item in items {
                let lot = item.lot.map { " lot \($0)" } ?? ""
                lines.append(
                    "  \(word.padding(toLength: 11, withPad: " ", startingAt: 0)) \(item.product)\(lot): announced \(item.announced), received \(item.received)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}

public struct LeadTimeJSON: Encodable, Sendable {
    public var supplier: String
    public var receipts: Int
    public var averageDays: Double
    public var shortestDays: Int64
    public var longestDays: Int64

    public init(_ lead: SupplierLeadTime) {
        supplier = lead.supplier
        receipts = lead.receipts
        averageDays = (lead.averageDays * 10).rounded() / 10
        shortestDays = lead.shortestDays
        longestDays = lead.longestDays
    }
}
