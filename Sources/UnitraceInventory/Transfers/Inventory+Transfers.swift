import Foundation
import UnitraceCore

extension Inventory {
    /// Asks for units and quantities to go from `from` to another of our places, or straight to a customer
    /// (a drop-ship, from a warehouse, a store or a drop-shipping supplier's place). Nothing moves yet, but
    /// what is asked for must be there now: each unit in stock at `from` or beneath it, each quantity
    /// available at `from`. - Throws: ``InputError`` or ``BatchRejected`` naming each unit that is not.
    public func requestTransfer(
        units scans: [String] = [], quantities requests: [StockLineRequest] = [], from: String,
        toLocation: String? = nil,
        toCustomer: String? = nil, order: String? = nil, context: EventContext
    ) async throws -> StockTransfer {
        _ = try await requirePlace(from)
        let destination = try await shipDestination(toLocation: toLocation, toCustomer: toCustomer)
        guard destination != from else {
            throw InputError(code: .invalidField, message: "a transfer goes somewhere else: \(from) is where it starts")
        }
        if let order { _ = try Field.serial(order, name: "order") }
        guard !scans.isEmpty || !requests.isEmpty else {
            throw InputError(code: .nothingToDo, message: "a transfer needs units or quantities to send")
        }
        var units: [UnitKey] = []
        if !scans.isEmpty {
            let resolved = try await resolve(scans, product: nil)
            var problems = resolved.problems
            let places = Set(try await subtree(from))
            let states = try await store.states(of: Set(resolved.lines.map(\.unit)))
            for line in resolved.lines {
                guard let state = states[line.unit], state.status == .inStock || state.status == .returned,
                    places.contains(state.location)
                else {
                    let now = states[line.unit].map { "\($0.status.rawValue) at \($0.location)" } ?? "unknown"
                    problems.append(
                        LineProblem(
                            line: line.line, scan: line.scan,
                            reason: .invalid(
                                InputError(
                                    code: .invalidField,
                                    message: "\(line.unit) is \(now), not in stock at \(from) or beneath it"))))
                    continue
                }
                units.append(line.unit)
            }
            guard problems.isEmpty else { throw BatchRejected(problems: problems) }
        }
        var quantities: [QuantityLine] = []
        if !requests.isEmpty {
            quantities = try await quantityLines(.ship, requests).lines
            let keys = quantities.map { StockKey(sku: $0.sku, lot: $0.lot, location: from) }
            let levels = try await store.stockLevels(of: Set(keys))
            for (key, line) in zip(keys, quantities) {
                let wanted = try Quantity(parsing: line.quantity)
                let there = levels[key] ?? .zero
                guard there >= wanted else {
                    throw InputError(
                        code: .insufficientStock, message: "\(key) holds \(there); the transfer asks for \(wanted)")
                }
            }
        }
        let transfer = StockTransfer(
            id: "T-" + String(environment.newID().uuidString.replacingOccurrences(of: "-", with: "").suffix(10)),
            from: from, to: destination, order: order, units: units, quantities: quantities, state: .requested,
            requested: .init(at: context.occurredAt ?? environment.now(), by: context.actor, reason: context.reason))
        try await store.insertTransfer(transfer)
        return transfer
    }

    /// Ships a requested transfer: one `ship` event from its origin to its destination, naming it; its units
    /// and quantities are in transit until it arrives (a drop-ship's quantities leave stock at once).
    public func shipTransfer(_ id: String, context: EventContext) async throws -> (StockTransfer, BatchReceipt) {
        try await retryingConflicts {
            var transfer = try await requireTransfer(id, in: .requested, to: "ship")
            var event = newEvent(
                .ship, context: context, location: transfer.from, destination: transfer.to,
                lines: transfer.units.map { EventLine(unit: $0) })
            if !transfer.quantities.isEmpty {
                event.quantities = transfer.quantities
                event.source = transfer.from
            }
            return try await advance(&transfer, from: .requested, with: event, context: context)
        }
    }

    /// Records that a shipped transfer arrived: one `arrive` event at its destination (for a drop-ship, the
    /// units delivered to the customer), naming it.
    public func arriveTransfer(_ id: String, context: EventContext) async throws -> (StockTransfer, BatchReceipt?) {
        try await retryingConflicts {
            var transfer = try await requireTransfer(id, in: .shipped, to: "arrive")
            if transfer.isDropShip, transfer.units.isEmpty {
                // The quantities left stock when they shipped; the delivery moves nothing more.
                transfer.state = .arrived
                transfer.arrived = .init(
                    at: context.occurredAt ?? environment.now(), by: context.actor, reason: context.reason)
                guard try await store.updateRecord(try transfer.moved(from: .shipped)) else {
                    throw StoreError(.conflict, "transfer \(id) moved meanwhile")
                }
                return (transfer, nil)
            }
            var event = newEvent(
                .arrive, context: context, location: transfer.isDropShip ? nil : transfer.to,
                lines: transfer.units.map { EventLine(unit: $0) })
            if !transfer.quantities.isEmpty, !transfer.isDropShip {
                event.quantities = transfer.quantities
                event.source = transfer.to
            }
            let (arrived, receipt) = try await advance(&transfer, from: .shipped, with: event, context: context)
            return (arrived, receipt)
        }
    }

    /// Calls off a transfer that has not shipped. - Throws: ``InputError`` once it has, or without a reason.
    public func cancelTransfer(_ id: String, context: EventContext) async throws -> StockTransfer {
        var transfer = try await requireTransfer(id, in: .requested, to: "cancel")
        guard let reason = context.reason, !reason.isEmpty else {
            throw InputError(code: .reasonRequired, message: "cancelling a transfer needs a reason")
        }
        transfer.state = .cancelled
        transfer.cancelled = .init(at: context.occurredAt ?? environment.now(), by: context.actor, reason: reason)
        guard try await store.updateRecord(try transfer.moved(from: .requested)) else {
            throw InputError(code: .invalidField, message: "transfer \(id) moved on meanwhile")
        }
        return transfer
    }

    /// Commits `event` for the transfer with its move to the next state, in one transaction.
    private func advance(
        _ transfer: inout StockTransfer, from previous: StockTransfer.State, with draftEvent: Event,
        context: EventContext
    ) async throws -> (StockTransfer, BatchReceipt) {
        var event = draftEvent
        event.documents = transfer.documents + context.documents.filter { !transfer.documents.contains($0) }
        if event.quantities != nil, event.units.isEmpty { event.disposition = Self.disposition(of: event.kind) }
        let draft = Draft(
            event: event, lineNumbers: transfer.units.indices.map { $0 + 1 },
            scans: transfer.units.map(\.description))
        var batch = try await prepare([draft])
        let step = StockTransfer.Step(at: event.occurredAt, by: context.actor, event: event.id, reason: context.reason)
        if previous == .requested {
            transfer.state = .shipped
            transfer.shipped = step
        } else {
            transfer.state = .arrived
            transfer.arrived = step
        }
        batch.recordUpdates.append(try transfer.moved(from: previous))
        return (transfer, try await store.commit(batch))
    }

    public func transfers(state: StockTransfer.State? = nil, limit: Int = 100) async throws -> [StockTransfer] {
        try Field.positive(limit, name: "limit", maximum: 10_000)
        return try await store.transfers(state: state, limit: limit)
    }

    public func transfer(_ id: String) async throws -> StockTransfer {
        guard let transfer = try await store.transfer(id: id) else {
            throw InputError(code: .unknownTransfer, message: "no transfer '\(Limits.quote(id))'")
        }
        return transfer
    }

    private func requireTransfer(_ id: String, in state: StockTransfer.State, to verb: String) async throws
        -> StockTransfer
    {
        let transfer = try await transfer(id)
        guard transfer.state == state else {
            throw InputError(
                code: .invalidField,
                message: "transfer \(id) is \(transfer.state.rawValue), not \(state.rawValue): it cannot \(verb) now")
        }
        return transfer
    }
}
