import Foundation
import UnitraceCore

/// A receipt's result: what was scanned against what the notice announced.
public struct NoticeResult: Hashable, Sendable {
    /// A scanned unit, with the lot and expiry its label gave.
    public struct Scanned: Hashable, Sendable {
        public var line: Int
        public var scan: String
        public var unit: UnitKey
        public var lot: String?
        public var expiry: String?
    }

    /// A scanned unit that the notice announced otherwise: under another product, or with another lot.
    public struct Mismatch: Hashable, Sendable {
        public var scanned: Scanned
        /// What the notice says instead: the product, or the lot (`nil`: no lot).
        public var announced: String?
    }

    /// A product and lot, announced and received.
    public struct Tally: Hashable, Sendable {
        public var sku: String
        public var lot: String?
        public var announced: Quantity
        public var received: Quantity
    }

    public var notice: ShipNotice
    public var scans: Int
    public var matched: [Scanned] = []
    /// Announced, not scanned.
    public var missing: [NoticeLine] = []
    /// Scanned, not announced.
    public var unexpected: [Scanned] = []
    /// The serial was announced, under another product.
    public var wrongProduct: [Mismatch] = []
    /// The unit was announced with another lot.
    public var wrongLot: [Mismatch] = []
    /// The same unit scanned again: flagged, counted once.
    public var duplicates: [LineProblem] = []
    /// Scans that name no product: unreadable, a GTIN of no product, or a bare serial the notice does not have.
    public var unreadable: [LineProblem] = []
    /// Every announced or received product and lot of the quantity lines.
    public var quantities: [Tally] = []

    public var short: [Tally] { quantities.filter { $0.received < $0.announced } }
    public var over: [Tally] { quantities.filter { $0.received > $0.announced } }

    /// Whether everything announced came, and nothing else.
    public var isClean: Bool {
        missing.isEmpty && unexpected.isEmpty && wrongProduct.isEmpty && wrongLot.isEmpty && unreadable.isEmpty
            && short.isEmpty && over.isEmpty
    }

    init(notice: ShipNotice, scans: Int) {
        self.notice = notice
        self.scans = scans
    }
}

/// How much of a receipt to take in.
public enum NoticeAcceptance: String, Sendable, CaseIterable {
    /// Everything that came: matched units, units with another lot or product than announced, unexpected
    /// units of known products, and every quantity as received.
    case full
    /// Only what matches the notice: matched units, and each announced quantity up to what was announced.
    case part
}

/// A supplier's lead times, from the notices received with an order date.
public struct SupplierLeadTime: Hashable, Sendable {
    public var supplier: String
    public var receipts: Int
    public var averageDays: Double
    public var shortestDays: Int64
    public var longestDays: Int64
}

extension Inventory {
    /// Records what a supplier says is coming. Every line is checked against its product: a serial for a
    /// serialized product, a positive quantity (and a lot, for a lot-tracked one) otherwise; a line given
    /// twice is refused. - Throws: ``InputError`` or ``BatchRejected`` (each bad line); nothing is written.
    public func addNotice(_ request: NoticeRequest, context: EventContext) async throws -> ShipNotice {
        let id = try Field.serial(request.id, name: "notice id")
        guard let kind = ShipNotice.Kind(rawValue: request.type ?? "asn") else {
            throw InputError(
                code: .invalidField, message: "notice type '\(Limits.quote(request.type ?? ""))' must be asn or po")
        }
        let supplier = try Field.serial(request.supplier, name: "supplier")
        if let order = request.order { _ = try Field.serial(order, name: "order") }
        let orderedOn = try request.orderedOn.map { text throws(InputError) in
            try CalendarDay(parsing: text, name: "ordered-on")
        }
        let expectedOn = try request.expectedOn.map { text throws(InputError) in
            try CalendarDay(parsing: text, name: "expected-on")
        }
        if let location = request.location { _ = try await requirePlace(location) }
        guard !request.lines.isEmpty else {
            throw InputError(code: .nothingToDo, message: "notice \(id) announces nothing: give it lines")
        }
        var products: [String: Product] = [:]
        for product in try await store.products() { products[product.sku] = product }
        var lines: [NoticeLine] = []
        var problems: [LineProblem] = []
        var firstLine: [String: Int] = [:]
        for (index, given) in request.lines.enumerated() {
            let number = index + 1
            let scan = [given.sku, given.serial ?? given.lot ?? ""].filter { !$0.isEmpty }.joined(separator: "/")
            do throws(InputError) {
                let line = try Self.noticeLine(given, products: products)
                let key = "\(line.sku)\u{0}\(line.serial ?? "")\u{0}\(line.serial == nil ? line.lot ?? "" : "")"
                if let first = firstLine[key] {
                    problems.append(LineProblem(line: number, scan: scan, reason: .duplicateScan(firstLine: first)))
                    continue
                }
                firstLine[key] = number
                lines.append(line)
            } catch {
                problems.append(LineProblem(line: number, scan: scan, reason: .invalid(error)))
            }
        }
        guard problems.isEmpty else { throw BatchRejected(problems: problems) }
        let notice = ShipNotice(
            id: id, kind: kind, supplier: supplier, order: request.order, orderedOn: orderedOn, expectedOn: expectedOn,
            location: request.location, lines: lines, createdAt: environment.now(), createdBy: context.actor)
        do {
            try await store.insertNotice(notice)
        } catch let error as StoreError where error.code == .conflict {
            throw InputError(code: .invalidField, message: "notice \(id) is already recorded")
        }
        return notice
    }

    /// One announced line, checked against its product.
    static func noticeLine(_ given: NoticeRequest.Line, products: [String: Product]) throws(InputError) -> NoticeLine {
        guard let product = products[given.sku] else {
            throw InputError(code: .unknownProduct, message: "unknown product '\(Limits.quote(given.sku))'")
        }
        let expiry = try given.expiry.map { text throws(InputError) in try CalendarDay(parsing: text, name: "expiry") }
        let madeOn = try given.madeOn.map { text throws(InputError) in
            try CalendarDay(parsing: text, name: "made-on")
        }
        if product.tracking == .serialized {
            guard let serial = given.serial else {
                throw InputError(
                    code: .invalidField,
                    message: "product '\(Limits.quote(product.sku))' is serialized: give the serial")
            }
            if given.quantity != nil {
                throw InputError(
                    code: .wrongTrackingMode,
                    message:
                        "product '\(Limits.quote(product.sku))' is serialized: announce one line per serial, without a quantity"
                )
            }
            if let lot = given.lot { try Field.serial(lot, name: "lot") }
            return NoticeLine(
                sku: product.sku, serial: product.canonicalSerial(try Field.serial(serial)), lot: given.lot,
                expiry: expiry, madeOn: madeOn)
        }
        if let serial = given.serial {
            throw InputError(
                code: .wrongTrackingMode,
                message:
                    "product '\(Limits.quote(product.sku))' is \(product.tracking.rawValue)-tracked: it has no serials, so serial '\(Limits.quote(serial))' cannot be given"
            )
        }
        guard let quantity = given.quantity else {
            throw InputError(
                code: .invalidField, message: "product '\(Limits.quote(product.sku))' is counted: give the quantity")
        }
        let line = try QuantityLine(sku: product.sku, lot: given.lot, quantity: quantity, uom: product.uom)
        try StockRules.check(line, product: product)
        if given.lot == nil, expiry != nil || madeOn != nil {
            throw InputError(code: .invalidField, message: "dates belong to a lot; a bulk product has none")
        }
        return NoticeLine(
            sku: product.sku, lot: given.lot, quantity: try Quantity(parsing: line.quantity), expiry: expiry,
            madeOn: madeOn)
    }

    /// Adds receiving scans to an open notice: units by their GS1 label, `SKU/SERIAL` or a serial the notice
    /// announces; quantities of lot and bulk products. Nothing is judged or written to the ledger until the
    /// receipt is accepted. - Returns: how many scans the receipt holds.
    public func addNoticeScans(
        _ id: String, scans texts: [String], quantities: [StockLineRequest] = [], context: EventContext
    ) async throws -> Int {
        let notice = try await requireNotice(id)
        guard notice.state == .open else {
            throw InputError(
                code: .invalidField, message: "notice \(id) is \(notice.state.rawValue): it takes no more scans")
        }
        let scans = try await scanRecords(
            texts, quantities: quantities, at: notice.location ?? "", context: context)
        do {
            return try await store.appendScans(scans, to: id, in: .notice)
        } catch let error as StoreError where error.code == .conflict {
            throw InputError(code: .invalidField, message: "notice \(id) was settled meanwhile: it takes no more scans")
        }
    }

    /// The receipt's result so far (while open) or final (once settled).
    public func noticeResult(_ id: String) async throws -> NoticeResult {
        let notice = try await requireNotice(id)
        let scans = try await store.scans(of: id, in: .notice)
        var result = NoticeResult(notice: notice, scans: scans.count)
        var bySKU: [String: Product] = [:]
        var byGTIN: [String: Product] = [:]
        for product in try await store.products() {
            bySKU[product.sku] = product
            if let gtin = product.gtin { byGTIN[gtin14(gtin)] = product }
        }
        var announced: [UnitKey: NoticeLine] = [:]
        var announcedSerials: [String: [NoticeLine]] = [:]
        for line in notice.lines {
            guard let key = line.unit else { continue }
            announced[key] = line
            announcedSerials[key.serial, default: []].append(line)
        }
        var seen: [UnitKey: Int] = [:]
        var claimed = Set<UnitKey>()
        for (index, record) in scans.enumerated() {
            guard let text = record.scan else { continue }
            let number = index + 1
            let scanned: Scanned
            switch Self.readReceivingScan(text, bySKU: bySKU, byGTIN: byGTIN, announced: announcedSerials) {
            case .success(let value):
                scanned = NoticeResult.Scanned(
                    line: number, scan: text, unit: value.unit, lot: value.lot, expiry: value.expiry)
            case .failure(let error):
                result.unreadable.append(LineProblem(line: number, scan: text, reason: .invalid(error)))
                continue
            }
            if let first = seen[scanned.unit] {
                result.duplicates.append(
                    LineProblem(line: number, scan: text, reason: .duplicateScan(firstLine: first)))
                continue
            }
            seen[scanned.unit] = number
            if let line = announced[scanned.unit] {
                claimed.insert(scanned.unit)
                if let lot = scanned.lot, let wanted = line.lot, lot != wanted {
                    result.wrongLot.append(.init(scanned: scanned, announced: line.lot))
                } else {
                    result.matched.append(scanned)
                }
            } else if let other = announcedSerials[scanned.unit.serial]?.first(where: { !claimed.contains($0.unit!) }) {
                claimed.insert(other.unit!)
                result.wrongProduct.append(.init(scanned: scanned, announced: other.sku))
            } else {
                result.unexpected.append(scanned)
            }
        }
        result.missing = notice.lines.filter { line in line.unit.map { !claimed.contains($0) } ?? false }
        var tallies: [LotKey: NoticeResult.Tally] = [:]
        for line in notice.lines {
            guard let quantity = line.quantity else { continue }
            tallies[LotKey(sku: line.sku, code: line.lot ?? "")] = .init(
                sku: line.sku, lot: line.lot, announced: quantity, received: .zero)
        }
        for record in scans {
            guard let sku = record.sku, let quantity = record.quantity else { continue }
            let key = LotKey(sku: sku, code: record.lot ?? "")
            tallies[key, default: .init(sku: sku, lot: record.lot, announced: .zero, received: .zero)].received +=
                quantity
        }
        result.quantities = tallies.sorted { $0.key < $1.key }.map(\.value)
        return result
    }

    typealias Scanned = NoticeResult.Scanned

    /// What a receiving scan names: a GS1 label (its GTIN picks the product), `SKU/SERIAL`, or a serial the
    /// notice announces under exactly one product.
    static func readReceivingScan(
        _ text: String, bySKU: [String: Product], byGTIN: [String: Product], announced: [String: [NoticeLine]]
    ) -> Result<(unit: UnitKey, lot: String?, expiry: String?), InputError> {
        do throws(InputError) {
            if let slash = text.firstIndex(of: "/"), let product = bySKU[String(text[..<slash])] {
                let serial = try Field.serial(String(text[text.index(after: slash)...]))
                return .success((UnitKey(sku: product.sku, serial: product.canonicalSerial(serial)), nil, nil))
            }
            let line = try ReceiveLine(parsing: text)
            if let gtin = line.gtin {
                guard let product = byGTIN[gtin] else {
                    throw InputError(code: .unknownProduct, message: "GTIN \(gtin) is not the GTIN of any product")
                }
                return .success(
                    (UnitKey(sku: product.sku, serial: product.canonicalSerial(line.serial)), line.lot, line.expiry))
            }
            let candidates = Set(
                (announced[line.serial] ?? [])
                    + bySKU.values.compactMap { product in
                        let serial = product.canonicalSerial(line.serial)
                        return serial == line.serial ? nil : announced[serial]?.first { $0.sku == product.sku }
                    }
            )
            guard candidates.count == 1, let only = candidates.first, let unit = only.unit else {
                throw InputError(
                    code: candidates.isEmpty ? .unknownProduct : .ambiguousSerial,
                    message: candidates.isEmpty
                        ? "serial \(line.serial) is not on the notice and names no product: scan its GS1 label or write SKU/SERIAL"
                        : "serial \(line.serial) is announced for several products: write SKU/SERIAL")
            }
            return .success((unit, nil, nil))
        } catch {
            return .failure(error)
        }
    }

    /// Receives what the receipt's result says came, in one `receive` event at `location` (by default the
    /// notice's), referring to the notice, and settles the notice in the same transaction with the supplier's
    /// lead time. Every rule of a receipt holds (a serial already in stock is refused, and so on).
    public func acceptNotice(
        _ id: String, _ acceptance: NoticeAcceptance, at location: String? = nil, context: EventContext
    ) async throws -> (NoticeResult, BatchReceipt) {
        try await retryingConflicts {
            var result = try await noticeResult(id)
            let notice = result.notice
            try Self.requireOpen(notice)
            guard let place = location ?? notice.location else {
                throw InputError(
                    code: .invalidField, message: "notice \(id) names no location to receive at: give one")
            }
            _ = try await requirePlace(place)
            var units: [Scanned] = result.matched
            if acceptance == .full {
                units += result.wrongLot.map(\.scanned) + result.wrongProduct.map(\.scanned) + result.unexpected
            }
            units.sort { $0.line < $1.line }
            let announced = Dictionary(
                notice.lines.compactMap { line in line.unit.map { ($0, line) } }, uniquingKeysWith: { a, _ in a })
            let lines = units.map { scanned in
                let line = announced[scanned.unit]
                return EventLine(
                    unit: scanned.unit, lot: scanned.lot ?? line?.lot,
                    expiry: scanned.expiry ?? line?.expiry?.description)
            }
            var requests: [StockLineRequest] = []
            let known = try await store.lots(
                Set(result.quantities.compactMap { tally in tally.lot.map { LotKey(sku: tally.sku, code: $0) } }))
            let dates = Dictionary(
                notice.lines.compactMap { line in line.lot.map { (LotKey(sku: line.sku, code: $0), line) } },
                uniquingKeysWith: { a, _ in a })
            for tally in result.quantities {
                let amount = acceptance == .full ? tally.received : min(tally.received, tally.announced)
                guard amount > .zero else { continue }
                var request = StockLineRequest(sku: tally.sku, lot: tally.lot, quantity: amount.description)
                if let lot = tally.lot, known[LotKey(sku: tally.sku, code: lot)] == nil {
                    let line = dates[LotKey(sku: tally.sku, code: lot)]
                    request.details = LotDetails(madeOn: line?.madeOn, expiry: line?.expiry, supplier: notice.supplier)
                }
                requests.append(request)
            }
            guard !lines.isEmpty || !requests.isEmpty else {
                throw InputError(
                    code: .nothingToDo,
                    message:
                        "nothing scanned for notice \(id) can be received \(acceptance == .full ? "" : "in part "): scan what came, or refuse it"
                )
            }
            var event = newEvent(.receive, context: context, location: place, lines: lines)
            event.documents = notice.documents + context.documents.filter { !notice.documents.contains($0) }
            if !requests.isEmpty {
                let (quantities, defined) = try await quantityLines(.receive, requests)
                event.quantities = quantities
                event.lots = defined.isEmpty ? nil : defined
                event.disposition = Self.disposition(of: .receive)
            }
            let draft = Draft(event: event, lineNumbers: units.map(\.line), scans: units.map(\.scan))
            var batch = try await prepare([draft])
            var settled = notice
            settled.state = acceptance == .full ? .accepted : .partial
            settled.settlement = settlement(
                of: notice, context: context, event: event.id, units: lines.count,
                quantityLines: event.quantities?.count ?? 0)
            batch.recordUpdates.append(try settled.settling())
            let receipt = try await store.commit(batch)
            result.notice = settled
            return (result, receipt)
        }
    }

    /// Refuses the whole delivery: nothing is received, and the notice is settled as refused, with the reason.
    public func refuseNotice(_ id: String, context: EventContext) async throws -> ShipNotice {
        let notice = try await requireNotice(id)
        try Self.requireOpen(notice)
        guard let reason = context.reason, !reason.isEmpty else {
            throw InputError(code: .reasonRequired, message: "refusing a delivery needs a reason")
        }
        var settled = notice
        settled.state = .refused
        settled.settlement = settlement(of: notice, context: context, event: nil, units: 0, quantityLines: 0)
        settled.settlement?.reason = reason
        guard try await store.updateRecord(try settled.settling()) else {
            throw InputError(code: .invalidField, message: "notice \(id) was settled meanwhile")
        }
        return settled
    }

    private func settlement(
        of notice: ShipNotice, context: EventContext, event: UUID?, units: Int, quantityLines: Int
    ) -> ShipNotice.Settlement {
        let now = environment.now()
        let receivedOn = CalendarDay(context.occurredAt ?? now)
        return ShipNotice.Settlement(
            at: now, by: context.actor, receivedOn: receivedOn,
            leadTimeDays: notice.orderedOn.map { receivedOn.daysSince1970 - $0.daysSince1970 }, reason: context.reason,
            event: event, units: units, quantityLines: quantityLines)
    }

    static func requireOpen(_ notice: ShipNotice) throws(InputError) {
        guard notice.state == .open else {
            throw InputError(
                code: .invalidField,
                message: "notice \(notice.id) is already \(notice.state.rawValue): it cannot be settled again")
        }
    }

    public func notices(limit: Int = 100) async throws -> [ShipNotice] {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        return try await store.notices(limit: limit)
    }

    /// Each supplier's lead times (ordered → received), from the notices received that had an order date.
    public func leadTimes() async throws -> [SupplierLeadTime] {
        var days: [String: [Int64]] = [:]
        for notice in try await store.notices(limit: 100_000) {
            guard let lead = notice.settlement?.leadTimeDays, notice.state != .refused else { continue }
            days[notice.supplier, default: []].append(lead)
        }
        return days.sorted { $0.key < $1.key }.map { supplier, values in
            SupplierLeadTime(
                supplier: supplier, receipts: values.count,
                averageDays: Double(values.reduce(0, +)) / Double(values.count), shortestDays: values.min()!,
                longestDays: values.max()!)
        }
    }

    func requireNotice(_ id: String) async throws -> ShipNotice {
        guard let notice = try await store.notice(id: id) else {
            throw InputError(code: .unknownNotice, message: "no notice '\(Limits.quote(id))'")
        }
        return notice
    }
}
